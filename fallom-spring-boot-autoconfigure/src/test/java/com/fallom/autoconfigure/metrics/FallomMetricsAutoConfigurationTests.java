package com.fallom.autoconfigure.metrics;

import com.fallom.Fallom;
import java.util.List;
import java.util.Map;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.autoconfigure.prompts.FallomPromptsAutoConfiguration;
import com.fallom.metrics.FallomAssignmentMetrics;
import com.fallom.metrics.FallomConfigSyncMetrics;
import com.fallom.metrics.FallomPromptMetrics;
import com.fallom.metrics.FallomQueueMetrics;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelOptions;
import com.fallom.prompts.FallomPrompts;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomMetricsAutoConfiguration}.
 */
@FallomMockServerTest
class FallomMetricsAutoConfigurationTests {

	private static final String[] BOOTSTRAP = { "fallom.models.configs.support.version=2",
			"fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=100" };

	// Boot's metrics auto-configurations, listed after Fallom's: the ordering by name
	// must still put Fallom's last, or @ConditionalOnBean(MeterRegistry) would not match.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues(BOOTSTRAP);

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
	}

	@Test
	void countsAssignmentsByConfigKeyModelVersionAndSourceButNeverBySession(FallomMockServer server) {
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		server.putConfig("support", 5, Map.of("gpt-4o-mini", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			FallomModels models = context.getBean(FallomModels.class);
			for (int i = 0; i < 3; i++) {
				models.get("support", "session-" + i);
			}
			models.get("support", "s1", ModelOptions.version(5));
			models.get("support", "s2", ModelOptions.version(5));
			models.get("unknown", "s1", "fallback-model");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(assignments(registry, "support", "o3-mini", "7", "latest")).isEqualTo(3);
			assertThat(assignments(registry, "support", "gpt-4o-mini", "5", "pinned")).isEqualTo(2);
			assertThat(assignments(registry, "unknown", "fallback-model", "0", "fallback")).isEqualTo(1);
			assertThat(registry.find("fallom.assignments").meters()).hasSize(3)
				.allSatisfy((meter) -> assertThat(meter.getId().getTags())
					.extracting(io.micrometer.core.instrument.Tag::getKey)
					.containsExactlyInAnyOrder("config.key", "model", "config.version", "source"));
		});
	}

	@Test
	void countsPromptAbAssignmentsByTestAndVariantButNeverBySession() {
		this.runner.withConfiguration(AutoConfigurations.of(FallomPromptsAutoConfiguration.class))
			.withPropertyValues("fallom.prompts.templates.greeting.system=Hi",
					"fallom.prompts.ab-tests.greeting-test.variants[0].prompt-key=greeting",
					"fallom.prompts.ab-tests.greeting-test.variants[0].weight=100")
			.run((context) -> {
				assertThat(context).hasSingleBean(FallomPromptMetrics.class);
				FallomPrompts prompts = context.getBean(FallomPrompts.class);
				prompts.getAb("greeting-test", "s1", null);
				prompts.getAb("greeting-test", "s2", null);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(FallomPromptMetrics.METRIC_NAME).tag("ab_test.key", "greeting-test").counter().count())
					.isEqualTo(2);
				assertThat(registry.get(FallomPromptMetrics.METRIC_NAME).meters())
					.allSatisfy((meter) -> assertThat(meter.getId().getTags()).noneMatch(
							(tag) -> tag.getKey().contains("session") || tag.getValue().equals("s1")));
			});
	}

	@Test
	void noPromptMetricsWhenPromptsAreDisabled() {
		this.runner.withConfiguration(AutoConfigurations.of(FallomPromptsAutoConfiguration.class))
			.withPropertyValues("fallom.prompts.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomPromptMetrics.class));
	}

	@Test
	void countsBootstrapAssignmentsOffline() {
		this.runner.run((context) -> {
			context.getBean(FallomModels.class).get("support", "s1");
			assertThat(assignments(context.getBean(MeterRegistry.class), "support", "gpt-4o", "2", "bootstrap"))
				.isEqualTo(1);
		});
	}

	@Test
	void timesConfigSyncsByOutcomeAndGaugesConfigAge(FallomMockServer server) {
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			ConfigRefresher refresher = context.getBean(Fallom.class).configRefresher();
			refresher.refreshNow();
			server.fault(Endpoint.CONFIGS, Fault.status(503).times(1));
			refresher.refreshNow();
			server.fault(Endpoint.CONFIGS, Fault.malformedBody().times(1));
			refresher.refreshNow();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// The start-up sync fetched the configs; the first refreshNow() was answered
			// "not modified" thanks to the ETag.
			assertThat(syncs(registry, "updated")).isEqualTo(1);
			assertThat(syncs(registry, "not_modified")).isEqualTo(1);
			assertThat(syncs(registry, "refused")).isEqualTo(1);
			assertThat(syncs(registry, "failed")).isEqualTo(1);
			assertThat(registry.get("fallom.config.age").timeGauge().value()).isGreaterThanOrEqualTo(0);
		});
	}

	@Test
	void configAgeIsNaNForBootstrapConfigs() {
		this.runner.run((context) -> assertThat(
				context.getBean(MeterRegistry.class).get("fallom.config.age").timeGauge().value())
			.isNaN());
	}

	@Test
	void gaugesTheSessionQueueAndCountsWhatItDropsAndSends(FallomMockServer server) {
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.models.session-queue-capacity=1")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("fallom.queue.size").tag("queue", "sessions").gauge().value()).isZero();
				// Every answer waits, so that at most the requests in flight and the one queued
				// record escape the drop
				server.fault(Endpoint.SESSIONS, Fault.delay(java.time.Duration.ofMillis(500)));
				FallomModels models = context.getBean(FallomModels.class);
				for (int i = 0; i < 100; i++) {
					models.get("support", "session-" + i);
				}
				await().until(() -> registry.get("fallom.queue.dropped").tag("queue", "sessions").functionCounter()
					.count() + registry.get("fallom.queue.sent").tag("queue", "sessions").functionCounter().count() == 100);
				assertThat(registry.get("fallom.queue.dropped").tag("queue", "sessions").functionCounter().count())
					.isPositive();
				assertThat(registry.get("fallom.queue.sent").tag("queue", "sessions").functionCounter().count())
					.isPositive();
				assertThat(registry.get("fallom.queue.size").tag("queue", "sessions").gauge().value()).isZero();
				assertThat(registry.get("fallom.queue.failed").tag("queue", "sessions").functionCounter().count())
					.isZero();
			});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class,
					FallomModelsAutoConfiguration.class, FallomMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(FallomModels.class)
				.doesNotHaveBean(FallomAssignmentMetrics.class)
				.doesNotHaveBean(FallomQueueMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(FallomModels.class)
				.doesNotHaveBean(FallomAssignmentMetrics.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAssignmentMetrics.class)
				.doesNotHaveBean(FallomConfigSyncMetrics.class)
				.doesNotHaveBean(FallomQueueMetrics.class));
	}

	@Test
	void userDefinedAssignmentMetricsWin() {
		this.runner.withUserConfiguration(CustomMetricsConfiguration.class).run((context) -> {
			assertThat(context).getBean(FallomAssignmentMetrics.class)
				.isSameAs(context.getBean(CustomMetricsConfiguration.class).metrics);
			// The user's binder counts its own models, not the engine's.
			context.getBean(FallomModels.class).get("support", "s1");
			assertThat(context.getBean(MeterRegistry.class).find("fallom.assignments").counter()).isNull();
		});
	}

	private static double assignments(MeterRegistry registry, String configKey, String model, String version,
			String source) {
		return registry.get("fallom.assignments")
			.tags("config.key", configKey, "model", model, "config.version", version, "source", source)
			.counter()
			.count();
	}

	private static long syncs(MeterRegistry registry, String outcome) {
		return registry.get("fallom.config.sync").tag("outcome", outcome).timer().count();
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomMetricsConfiguration {

		final FallomAssignmentMetrics metrics = new FallomAssignmentMetrics(
				new FallomModels(new ModelConfigRegistry(List.of(), null), null, null, List.of()));

		@Bean
		FallomAssignmentMetrics customAssignmentMetrics() {
			return this.metrics;
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
