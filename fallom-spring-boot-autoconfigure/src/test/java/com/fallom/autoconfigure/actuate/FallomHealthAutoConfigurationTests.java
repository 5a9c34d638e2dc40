package com.fallom.autoconfigure.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.actuate.FallomHealthIndicator;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomHealthAutoConfiguration}.
 */
@FallomMockServerTest
class FallomHealthAutoConfigurationTests {

	private static final String[] BOOTSTRAP = { "fallom.models.configs.support.version=2",
			"fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=100" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomHealthAutoConfiguration.class))
		.withPropertyValues(BOOTSTRAP);

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
		server.clearPrompts();
	}

	@Test
	void backendUpReportsFetchedConfigsThatAreFresh(FallomMockServer server) {
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "online")
				.containsEntry("origin", "fetched")
				.containsEntry("configs", 1)
				.containsEntry("stale", false)
				.containsEntry("consecutiveFailures", 0)
				.containsKeys("configAge", "lastSuccess")
				.doesNotContainKeys("lastFailure", "lastFailureReason");
			assertThat(health.getDetails()).extractingByKey("queues")
				.isEqualTo(Map.of("sessions", Map.of("size", 0, "dropped", 0L), "metrics", Map.of("size", 0, "dropped", 0L),
						"spans", Map.of("size", 0, "dropped", 0L)));
		});
	}

	@Test
	void showsEachQueuesSpoolWhileTheBackendIsDownAndStaysUp(FallomMockServer server, @TempDir Path spool) {
		server.fault(Endpoint.SESSIONS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.spool-dir=" + spool, "fallom.delivery.initial-backoff=20ms",
					"fallom.delivery.max-backoff=100ms")
			.run((context) -> {
				awaitFirstSyncs(context);
				Fallom fallom = context.getBean(Fallom.class);
				for (int i = 0; i < 10; i++) {
					fallom.models().get("support", "session-" + i);
				}
				FallomHealthIndicator indicator = context.getBean(FallomHealthIndicator.class);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					Health health = indicator.health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).extractingByKey("queues", InstanceOfAssertFactories.MAP)
						.extractingByKey("sessions", InstanceOfAssertFactories.MAP)
						.hasEntrySatisfying("spoolBytes", (bytes) -> assertThat((Long) bytes).isPositive())
						.containsKey("spoolOldest");
				});
			});
	}

	@Test
	void showsThePromptSyncAndStaysUpWhenItFails(FallomMockServer server) {
		server.putPrompt("greeting", 1, "s", "u");
		server.fault(Endpoint.PROMPT_AB_TESTS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues()).withPropertyValues("fallom.prompts.sync=always").run((context) -> {
			awaitFirstSyncs(context);
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).extractingByKey("prompts").satisfies((details) -> {
				@SuppressWarnings("unchecked")
				Map<String, Object> prompts = (Map<String, Object>) details;
				assertThat(prompts).containsEntry("prompts", 1)
					.containsEntry("abTests", 0)
					.containsEntry("synced", true)
					.containsEntry("stale", true);
				assertThat(prompts).extractingByKey("promptSync", InstanceOfAssertFactories.MAP).containsEntry("consecutiveFailures", 0)
					.containsKey("lastSuccess");
				assertThat(prompts).extractingByKey("abTestSync", InstanceOfAssertFactories.MAP).containsEntry("consecutiveFailures", 1)
					.containsEntry("lastFailureReason", "HTTP 503");
			});
		});
	}

	@Test
	void appThatUsesNoPromptsShowsPromptsNotSyncedRatherThanStale(FallomMockServer server) {
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getDetails()).extractingByKey("prompts")
				.isEqualTo(Map.of("prompts", 0, "abTests", 0, "synced", false));
		});
	}

	@Test
	void offlineShowsBootstrapPromptsNotSynced() {
		this.runner.withPropertyValues("fallom.prompts.templates.greeting.system=Hi").run((context) -> {
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getDetails()).extractingByKey("prompts")
				.isEqualTo(Map.of("prompts", 1, "abTests", 0, "synced", false));
		});
	}

	@Test
	void noPromptDetailsWhenPromptsAreDisabled() {
		this.runner.withPropertyValues("fallom.prompts.enabled=false")
			.run((context) -> assertThat(context.getBean(FallomHealthIndicator.class).health().getDetails())
				.doesNotContainKey("prompts"));
	}

	@Test
	void backendDownReportsUpWithBootstrapConfigsAndTheFailure(FallomMockServer server) {
		server.fault(Endpoint.CONFIGS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("origin", "bootstrap")
				.containsEntry("stale", true)
				.containsEntry("lastFailureReason", "HTTP 503")
				.containsEntry("consecutiveFailures", 1)
				.containsKey("lastFailure")
				.doesNotContainKeys("lastSuccess", "configAge");
		});
	}

	@Test
	void backendGoingDownAfterASuccessKeepsFetchedConfigsAndReportsTheFailure(FallomMockServer server) {
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			server.fault(Endpoint.CONFIGS, Fault.malformedBody());
			context.getBean(com.fallom.Fallom.class).configRefresher().refreshNow();
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("origin", "fetched")
				.containsEntry("stale", false)
				.containsEntry("consecutiveFailures", 1)
				.containsKeys("lastSuccess", "lastFailure");
			assertThat((String) health.getDetails().get("lastFailureReason")).startsWith("malformed response");
		});
	}

	@Test
	void backendNeverReachedReportsUpAndStale() {
		this.runner.withPropertyValues("fallom.api-key=k", "fallom.base-url=http://127.0.0.1:1").run((context) -> {
			awaitFirstSyncs(context);
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("origin", "bootstrap")
				.containsEntry("stale", true)
				.containsEntry("consecutiveFailures", 1);
			assertThat((String) health.getDetails().get("lastFailureReason")).startsWith("request failed");
		});
	}

	@Test
	void offlineModeReportsUpWithBootstrapConfigs() {
		this.runner.run((context) -> {
			Health health = context.getBean(FallomHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "offline")
				.containsEntry("origin", "bootstrap")
				.containsEntry("stale", false)
				.doesNotContainKeys("queues", "lastSuccess", "consecutiveFailures");
		});
	}

	@Test
	void offlineModeWithoutConfigsReportsOriginNone() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class,
					FallomModelsAutoConfiguration.class, FallomHealthAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(FallomHealthIndicator.class).health().getDetails())
				.containsEntry("origin", "none")
				.containsEntry("configs", 0));
	}

	@Test
	void backsOffWhenTheHealthIndicatorIsDisabled() {
		this.runner.withPropertyValues("management.health.fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomHealthIndicator.class));
	}

	@Test
	void backsOffWithoutSpringBootHealth() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FallomHealthIndicator.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomHealthIndicator.class));
	}

	@Test
	void userDefinedHealthIndicatorWins() {
		this.runner.withUserConfiguration(CustomHealthConfiguration.class)
			.run((context) -> assertThat(context).getBean(FallomHealthIndicator.class)
				.isSameAs(context.getBean(CustomHealthConfiguration.class).indicator));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomHealthConfiguration {

		final FallomHealthIndicator indicator = new FallomHealthIndicator(new ModelConfigRegistry(List.of(), null),
				null, List.of(), java.time.Clock.systemUTC());

		@Bean
		FallomHealthIndicator customFallomHealthIndicator() {
			return this.indicator;
		}

	}

	/**
	 * Wait for the first syncs: with bootstrap configs to serve, start-up does not.
	 */
	private static void awaitFirstSyncs(org.springframework.context.ApplicationContext context) {
		com.fallom.Fallom fallom = context.getBean(com.fallom.Fallom.class);
		await().until(() -> fallom.configRefresher().getStatus().lastAttempt() != null);
		if (fallom.promptRefresher() != null && fallom.promptRefresher().isRunning()) {
			await().until(() -> fallom.promptRefresher().getPromptStatus().lastAttempt() != null
					&& fallom.promptRefresher().getAbTestStatus().lastAttempt() != null);
		}
	}

}
