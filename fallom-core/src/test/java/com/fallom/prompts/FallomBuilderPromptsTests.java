package com.fallom.prompts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Fallom#prompts()}: the builder's prompt settings, online against a
 * {@link FallomMockServer} and offline.
 */
class FallomBuilderPromptsTests {

	private static final PromptVersion BOOTSTRAP = new PromptVersion("greeting", 1, "Bootstrap for {{company}}.",
			"Hi {{name}}");

	private FallomMockServer server;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private Fallom.Builder online() {
		return Fallom.builder(Map.of())
			.apiKey(this.server.apiKey())
			.baseUrl(this.server.baseUrl())
			.recordSessions(false)
			.exportSpans(false)
			.timeout(Duration.ofMillis(500));
	}

	@Test
	void syncsPromptsFromThePromptsUrlOnStart() {
		this.server.putPrompt("greeting", 2, "Fetched for {{company}}.", "Hello {{name}}")
			.putPromptAbTest("{\"key\": \"greeting-test\", \"variants\": [{\"prompt_key\": \"greeting\", \"weight\": 100}]}");
		try (Fallom fallom = online().promptsUrl(this.server.baseUrl()).bootstrapPrompt(BOOTSTRAP).build()) {
			// The bootstrap prompt serves at once; the first sync runs in the background
			await().untilAsserted(() -> assertThat(fallom.promptRefresher().getAbTestStatus().successes()).isOne());
			assertThat(fallom.prompts().get("greeting", Map.of("name", "Jo")).user()).isEqualTo("Hello Jo");
			assertThat(fallom.prompts().get("greeting", Map.of("name", "Jo"), 1).user()).isEqualTo("Hi Jo");
			FallomPrompt tested = fallom.prompts().getAb("greeting-test", "session-1", null);
			assertThat(tested.context()).isEqualTo(new PromptContext("greeting", 2, "greeting-test", 0));
			assertThat(fallom.promptRefresher()).isNotNull();
			assertThat(fallom.promptRefresher().getPromptStatus().successes()).isEqualTo(1);
		}
		assertThat(this.server.requests(Endpoint.PROMPTS).get(0).headers().get("authorization"))
			.containsExactly("Bearer " + this.server.apiKey());
	}

	@Test
	void offlineServesBootstrapPromptsAndTestsWithoutAnyRequest() {
		PromptAbTest test = new PromptAbTest("greeting-test", 1, List.of(PromptAbTest.Variant.current("greeting", 100)));
		try (Fallom fallom = Fallom.builder(Map.of()).bootstrapPrompt(BOOTSTRAP).bootstrapPromptAbTest(test).build()) {
			assertThat(fallom.prompts().get("greeting", Map.of("company", "Acme")).system())
				.isEqualTo("Bootstrap for Acme.");
			assertThat(fallom.prompts().getAb("greeting-test", "s1", null).variantIndex()).isZero();
			assertThat(fallom.promptRefresher()).isNull();
		}
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void promptSyncCanBeTurnedOff() {
		this.server.putPrompt("greeting", 2, "Fetched", "u");
		try (Fallom fallom = online().syncPrompts(false).bootstrapPrompt(BOOTSTRAP).build()) {
			assertThat(fallom.prompts().get("greeting", null).version()).isEqualTo(1);
			assertThat(fallom.promptRefresher()).isNull();
		}
		assertThat(this.server.requests(Endpoint.PROMPTS)).isEmpty();
	}

	@Test
	void promptListenersHearThePromptsGiven() {
		List<String> heard = new ArrayList<>();
		PromptListener listener = new PromptListener() {
			@Override
			public void onPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
				heard.add(promptKey + (fallback ? " fallback" : ""));
			}
		};
		try (Fallom fallom = Fallom.builder(Map.of()).bootstrapPrompt(BOOTSTRAP).promptListener(listener).build()) {
			fallom.prompts().get("greeting", null);
			fallom.prompts().get("nope", null, PromptFallback.of("s", "u"));
		}
		assertThat(heard).containsExactly("greeting", "nope fallback");
	}

	@Test
	void restartDuringAnOutageServesThePromptSnapshot(@TempDir Path directory) {
		Path snapshot = directory.resolve("fallom-snapshot.json");
		this.server.putPrompt("greeting", 3, "Fetched", "u");
		try (Fallom fallom = online().snapshotFile(snapshot).build()) {
			assertThat(fallom.prompts().get("greeting", null).version()).isEqualTo(3);
		}
		try (Fallom fallom = Fallom.builder(Map.of()).snapshotFile(snapshot).bootstrapPrompt(BOOTSTRAP).build()) {
			assertThat(fallom.prompts().get("greeting", null).version()).isEqualTo(3);
			assertThat(fallom.prompts().get("greeting", null, 1).version()).as("bootstrap still pinnable").isEqualTo(1);
		}
	}

	@Test
	void snapshotHoldsOnlyWhatTheBackendServedSoChangedBootstrapPromptsAndTestsWinAfterARestart(
			@TempDir Path directory) {
		Path snapshot = directory.resolve("fallom-snapshot.json");
		this.server.putPrompt("greeting", 3, "Fetched", "u")
			.putPromptAbTest("{\"key\": \"farewell-test\", \"version\": 2, \"variants\": []}");
		PromptVersion farewell = new PromptVersion("farewell", 1, "Old farewell", "u");
		PromptAbTest test = new PromptAbTest("farewell-test", 1, List.of(new PromptAbTest.Variant("farewell", 1, 100)));
		try (Fallom fallom = online().timeout(Duration.ofSeconds(5))
			.snapshotFile(snapshot)
			.bootstrapPrompt(farewell)
			.bootstrapPromptAbTest(test)
			.build()) {
			// Bootstrap prompts can serve, so start-up does not wait for the first syncs
			await().untilAsserted(() -> assertThat(fallom.promptRefresher().getPromptStatus().successes()).isOne());
			await().untilAsserted(() -> assertThat(fallom.promptRefresher().getAbTestStatus().successes()).isOne());
			assertThat(fallom.prompts().get("greeting", null).version()).isEqualTo(3);
			assertThat(fallom.prompts().getAb("farewell-test", "s1", null).context().promptKey())
				.as("the invalid fetched test keeps the bootstrap one served")
				.isEqualTo("farewell");
		}
		PromptVersion changed = new PromptVersion("farewell", 1, "New farewell", "u");
		PromptAbTest changedTest = new PromptAbTest("farewell-test", 5,
				List.of(new PromptAbTest.Variant("greeting", 3, 100)));
		// Restarted with the bootstrap prompt and test changed, before any sync (offline here).
		try (Fallom fallom = Fallom.builder(Map.of()).snapshotFile(snapshot).bootstrapPrompt(changed)
			.bootstrapPromptAbTest(changedTest).build()) {
			assertThat(fallom.prompts().get("greeting", null).version()).isEqualTo(3);
			assertThat(fallom.prompts().get("farewell", null, 1).system()).isEqualTo("New farewell");
			assertThat(fallom.prompts().getAb("farewell-test", "s1", null).context().promptKey()).isEqualTo("greeting");
		}
	}

}
