package com.fallom;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.UncheckedKeys;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelOptions;
import com.fallom.models.internal.PinnedVersionLoader;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the API key where it enters the engine and where the JDK would refuse it: a
 * key read from a file or a Kubernetes secret ends in a line break, which is stripped;
 * any other control character is refused up front, and nothing ever shows the key.
 */
@ExtendWith(CapturedLogs.Extension.class)
class ApiKeyTests {

	private static final String SECRET = "secret-key-0123456789";

	private FallomMockServer server;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start(0, SECRET);
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void keyEndingInALineBreakIsStrippedAndAuthenticates() {
		try (Fallom fallom = Fallom.builder(Map.of()).apiKey(SECRET + "\n").baseUrl(this.server.baseUrl()).build()) {
			assertThat(fallom.configRefresher().getStatus().successes()).isEqualTo(1);
		}
		assertThat(this.server.requests(Endpoint.CONFIGS).get(0).header("Authorization")).isEqualTo("Bearer " + SECRET);
		assertThat(this.server.unauthorizedCount()).isZero();
	}

	@Test
	void keyFromTheEnvironmentEndingInALineBreakIsStrippedAndAuthenticates() {
		this.server.putConfig("support", 1, Map.of("gpt-4o", 100));
		try (Fallom fallom = Fallom.builder(Map.of("FALLOM_API_KEY", " " + SECRET + "\r\n"))
			.baseUrl(this.server.baseUrl())
			.build()) {
			assertThat(fallom.configRegistry().getState().origin()).isEqualTo(ConfigOrigin.FETCHED);
		}
		assertThat(this.server.unauthorizedCount()).isZero();
	}

	@Test
	void keyWithAControlCharacterInsideIsRefusedNamingTheSettingWithoutShowingTheKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).apiKey("secret-key\n0123"))
			.withMessageStartingWith("'apiKey' must hold visible ASCII characters only")
			.withMessageContaining("character 11 of 15 is U+000A")
			.withMessageNotContaining("secret")
			.withMessageNotContaining("0123");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of("FALLOM_API_KEY", "secret-key\u00000123")).build())
			.withMessageStartingWith("FALLOM_API_KEY must hold visible ASCII characters only")
			.withMessageNotContaining("secret");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).apiKey("secret key"))
			.withMessageContaining("U+0020")
			.withMessageNotContaining("secret");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).apiKey(" \n"))
			.withMessage("'apiKey' must not be blank; leave it unset to run offline");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FallomHttpClient(URI.create(this.server.baseUrl()), "secret-key\u007f",
					Duration.ofSeconds(1)))
			.withMessageStartingWith("'apiKey' must hold visible ASCII characters only")
			.withMessageNotContaining("secret");
	}

	@Test
	void pinnedVersionFetchThatFailsBeforeSendingServesTheFallbackAndLeavesNothingInFlight(CapturedLogs logs) {
		this.server.putConfig("support", 7, Map.of("pinned-model", 100)).putConfig("support", 8, Map.of("gpt-4o", 100));
		try (FallomHttpClient client = new FallomHttpClient(URI.create(this.server.baseUrl()), SECRET,
				Duration.ofSeconds(1))) {
			ModelConfigRegistry registry = new ModelConfigRegistry(List.of(), null);
			FallomModels models = new FallomModels(registry,
					new PinnedVersionLoader(client, registry, Duration.ofMillis(500), Duration.ofMinutes(1),
							Clock.systemUTC()),
					null, List.of());
			// The JDK refuses the header before any request leaves, from sendAsync itself.
			UncheckedKeys.useKey(client, SECRET + "\u0007");
			assertThat(models.get("support", "session-1", ModelOptions.version(7).withFallback("fallback-model")))
				.isEqualTo("fallback-model");
			UncheckedKeys.useKey(client, SECRET);
			assertThat(models.get("support", "session-1", ModelOptions.version(7).withFallback("fallback-model")))
				.as("the next call fetches again instead of waiting for the first fetch")
				.isEqualTo("pinned-model");
		}
		assertThat(logs.toString()).contains("could not be fetched").doesNotContain("secret-key");
	}

}
