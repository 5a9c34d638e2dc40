package com.fallom.autoconfigure;

import java.lang.reflect.Field;
import java.net.URI;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.actuate.FallomHealthIndicator;
import com.fallom.autoconfigure.actuate.FallomHealthAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.internal.FallomHttpClient;
import com.fallom.models.FallomModels;
import com.fallom.test.FallomMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The API key as a Spring Boot app gets it: from {@code FALLOM_API_KEY} (a Kubernetes
 * secret often ends in a line break, which is stripped), from {@code fallom.api-key}, or
 * from a user's own {@link FallomConnectionDetails} bean. A key with any other control
 * character fails start-up naming where it came from, and the key is never shown.
 */
@ExtendWith(OutputCaptureExtension.class)
class FallomApiKeyTests {

	private static final String SECRET = "secret-key-0123456789";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomHealthAutoConfiguration.class));

	private FallomMockServer server;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start(0, SECRET);
		this.server.putConfig("support", 3, Map.of("gpt-4o", 100));
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private ApplicationContextRunner withEnvironmentKey(String apiKey) {
		return this.runner.withPropertyValues("fallom.base-url=" + this.server.baseUrl())
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("env", Map.of("FALLOM_API_KEY", apiKey))));
	}

	@Test
	void keyFromAKubernetesSecretEndingInALineBreakIsStrippedAndAuthenticates() {
		withEnvironmentKey(SECRET + "\n").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FallomModels.class).get("support", "s1")).isEqualTo("gpt-4o");
			assertThat(context.getBean(Fallom.class).configRefresher().getStatus().successes()).isEqualTo(1);
		});
		assertThat(this.server.unauthorizedCount()).isZero();
	}

	@Test
	void keyWithAControlCharacterInsideFailsStartUpNamingThePropertyWithoutShowingTheKey(CapturedOutput output) {
		withEnvironmentKey("secret-key\u00070123").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageStartingWith("Invalid fallom.api-key (FALLOM_API_KEY): the API key must hold visible ASCII")
				.hasMessageContaining("U+0007");
			assertThat(messages(context.getStartupFailure())).doesNotContain("secret").doesNotContain("0123");
		});
		assertThat(output.toString()).doesNotContain("secret-key");
	}

	@Test
	void startUpFailureReportOfARealApplicationDoesNotShowTheKey(CapturedOutput output) {
		// Boot's failure analysis of an invalid property value prints the value from every
		// property source: the report a real application logs must not hold the key.
		SpringApplication application = new SpringApplication(KeyApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("fallom.api-key", "secret-key\u00070123", "fallom.base-url",
				this.server.baseUrl(), "spring.main.banner-mode", "off"));
		assertThatException().isThrownBy(application::run);
		assertThat(output.toString()).contains("fallom.api-key").doesNotContain("secret-key");
	}

	@Test
	void connectionDetailsBeanWithAControlCharacterInTheKeyFailsStartUpWithoutShowingTheKey(CapturedOutput output) {
		this.runner.withBean(FallomConnectionDetails.class, () -> new KeyOnly("secret-key\r0123", this.server))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("FallomConnectionDetails bean (" + KeyOnly.class.getName() + ")")
					.hasMessageContaining("U+000D");
				assertThat(messages(context.getStartupFailure())).doesNotContain("secret").doesNotContain("0123");
			});
		assertThat(output.toString()).doesNotContain("secret-key");
	}

	@Test
	void connectionDetailsBeanWithAKeyEndingInALineBreakAuthenticates() {
		this.runner.withBean(FallomConnectionDetails.class, () -> new KeyOnly(SECRET + "\r\n", this.server))
			.run((context) -> assertThat(context.getBean(FallomModels.class).get("support", "s1")).isEqualTo("gpt-4o"));
		assertThat(this.server.unauthorizedCount()).isZero();
	}

	@Test
	void syncWithAKeyThatReachedTheTransportUncheckedIsAFailureTheHealthShowsAndNoLogLineShowsTheKey(
			CapturedOutput output) {
		this.runner.withPropertyValues(this.server.propertyValues()).run((context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			// As a key that reached the transport unchecked: sent as it is, and refused
			useUncheckedKey(fallom, SECRET + "\u0007");
			assertThat(fallom.configRefresher().refreshNow()).isFalse();
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getDetails()).containsEntry("consecutiveFailures", 1)
				.containsEntry("lastFailureReason", "HTTP 401")
				.containsKey("lastFailure");
			assertThat(health.getDetails().toString()).doesNotContain("secret-key");
		});
		assertThat(output.toString()).contains("Fallom config sync from").doesNotContain("secret-key");
	}

	private static String messages(@Nullable Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause).append('\n');
		}
		return messages.toString();
	}

	private static void useUncheckedKey(Fallom fallom, String apiKey) throws ReflectiveOperationException {
		Field clientField = Fallom.class.getDeclaredField("httpClient");
		clientField.setAccessible(true);
		FallomHttpClient client = (FallomHttpClient) clientField.get(fallom);
		for (Field field : FallomHttpClient.class.getDeclaredFields()) {
			field.setAccessible(true);
			if (field.getType() == String.class && String.valueOf(field.get(client)).startsWith("Bearer ")) {
				field.set(client, "Bearer " + apiKey);
				return;
			}
		}
		throw new IllegalStateException("No Authorization header value in " + FallomHttpClient.class);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(FallomAutoConfiguration.class)
	static class KeyApplication {

	}

	/**
	 * A user's own connection details, as from a secret store.
	 */
	static final class KeyOnly implements FallomConnectionDetails {

		private final String apiKey;

		private final URI url;

		KeyOnly(String apiKey, FallomMockServer server) {
			this.apiKey = apiKey;
			this.url = URI.create(server.baseUrl());
		}

		@Override
		public String getApiKey() {
			return this.apiKey;
		}

		@Override
		public URI getConfigsUrl() {
			return this.url;
		}

		@Override
		public URI getTracesUrl() {
			return this.url;
		}

		@Override
		public URI getPromptsUrl() {
			return this.url;
		}

	}

}
