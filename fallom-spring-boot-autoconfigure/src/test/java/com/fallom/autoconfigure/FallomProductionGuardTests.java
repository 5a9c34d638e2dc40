package com.fallom.autoconfigure;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomProductionGuard}: on in tests or on request, off otherwise, and
 * only when Fallom would really send something to a production host.
 */
class FallomProductionGuardTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class))
		.withPropertyValues("fallom.api-key=production-key", "fallom.models.startup-timeout=0s");

	@Test
	void offByDefaultOutsideTests() {
		this.runner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void forbidProductionFailsTheStartWithHowToUseTheMock() {
		this.runner.withPropertyValues("fallom.test.forbid-production=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("the configs URL https://configs.fallom.com is a production host")
				.hasMessageContaining("@AutoConfigureFallomMockServer")
				.hasMessageContaining("fallom.base-url")
				.hasMessageNotContaining("production-key");
		});
	}

	@Test
	void onInASpringBootTestUnlessTurnedOff() {
		ApplicationContextRunner springBootTest = this.runner
			.withPropertyValues("org.springframework.boot.test.context.SpringBootTestContextBootstrapper=true");
		springBootTest.run((context) -> assertThat(context).hasFailed());
		springBootTest.withPropertyValues("fallom.test.forbid-production=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void anyServiceOnAProductionHostIsCaught() {
		this.runner
			.withPropertyValues("fallom.test.forbid-production=true", "fallom.base-url=http://127.0.0.1:9",
					"fallom.traces-url=https://Spans.Fallom.com.")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("the traces URL https://Spans.Fallom.com."));
	}

	@Test
	void localBackendOrNoApiKeyIsAllowed() {
		this.runner.withPropertyValues("fallom.test.forbid-production=true", "fallom.base-url=http://127.0.0.1:9")
			.run((context) -> assertThat(context).hasNotFailed());
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class))
			.withPropertyValues("fallom.test.forbid-production=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void hostsLikeFallomButElsewhereAreNotProduction() {
		assertThat(FallomProductionGuard.isProduction(URI.create("https://fallom.com.example.org"))).isFalse();
		assertThat(FallomProductionGuard.isProduction(URI.create("https://notfallom.com"))).isFalse();
		assertThat(FallomProductionGuard.isProduction(URI.create("https://fallom.com"))).isTrue();
		assertThat(FallomProductionGuard.isProduction(URI.create("https://eu.traces.fallom.com:443/v1"))).isTrue();
	}

	@Test
	void aConnectionDetailsBeanOfAnyTypeReplacesThePropertiesOne() {
		this.runner.withPropertyValues("fallom.test.forbid-production=true")
			.withBean(FallomConnectionDetails.class, () -> new FallomConnectionDetails() {

				@Override
				public String getApiKey() {
					return "mock-key";
				}

				@Override
				public URI getConfigsUrl() {
					return URI.create("http://127.0.0.1:9");
				}

				@Override
				public URI getTracesUrl() {
					return URI.create("http://127.0.0.1:9");
				}

				@Override
				public URI getPromptsUrl() {
					return URI.create("http://127.0.0.1:9");
				}

			})
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(FallomConnectionDetails.class);
				assertThat(context.getBean(FallomConnectionDetails.class).getApiKey()).isEqualTo("mock-key");
			});
	}

}
