package com.fallom.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.prompts.PromptSync;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomLifecycle}: a context stopped and started again (as Spring's test
 * context cache, {@code ConfigurableApplicationContext.stop()/start()} and CRaC do) pauses
 * and resumes the engine; only closing the context closes it.
 */
class FallomLifecycleTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class));

	private FallomMockServer server;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.server.putConfig("support", 1, Map.of("gpt-4o", 100));
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private ApplicationContextRunner online() {
		return this.runner.withPropertyValues("fallom.api-key=" + this.server.apiKey(),
				"fallom.base-url=" + this.server.baseUrl());
	}

	@Test
	void onlyAnEngineThatSyncsPromptsAsksWhetherTheAppUsesPrompts() {
		AtomicInteger asked = new AtomicInteger();
		try (Fallom offline = Fallom.builder(Map.of()).startOnBuild(false).build();
				Fallom withoutPromptSync = Fallom.builder(Map.of())
					.apiKey(this.server.apiKey())
					.baseUrl(this.server.baseUrl())
					.promptSync(PromptSync.OFF)
					.startOnBuild(false)
					.build();
				Fallom online = Fallom.builder(Map.of())
					.apiKey(this.server.apiKey())
					.baseUrl(this.server.baseUrl())
					.startOnBuild(false)
					.build()) {
			new FallomLifecycle(offline, () -> asked.incrementAndGet() > 0).start();
			new FallomLifecycle(withoutPromptSync, () -> asked.incrementAndGet() > 0).start();
			assertThat(asked).hasValue(0);
			new FallomLifecycle(online, () -> asked.incrementAndGet() > 0).start();
			assertThat(asked).hasValue(1);
			// The answer still starts prompt sync with the engine
			await().until(() -> this.server.requestCount(Endpoint.PROMPTS) > 0);
		}
	}

	@Test
	void contextStoppedAndStartedAgainResumesDeliveryAndSync() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		online().run((context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			FallomModels models = fallom.models();
			models.get("support", "before-stop");
			await().until(() -> this.server.sessions().size() == 1);
			ConfigurableApplicationContext app = context.getSourceApplicationContext(ConfigurableApplicationContext.class);
			app.stop();
			assertThat(fallom.isRunning()).isFalse();
			assertThat(engineThreadsSince(before)).isEmpty();
			int configSyncs = this.server.requestCount(Endpoint.CONFIGS);
			// Served and queued while paused, sent once resumed
			assertThat(models.get("support", "while-stopped")).isEqualTo("gpt-4o");
			app.start();
			assertThat(fallom.isRunning()).isTrue();
			models.get("support", "after-start");
			fallom.trace().span(Map.of("score", 1), "support", "after-start");
			fallom.tracer().spanBuilder("chat gpt-4o").startSpan().end();
			await().untilAsserted(() -> {
				assertThat(this.server.sessions()).extracting((session) -> session.get("session_id"))
					.contains("while-stopped", "after-start");
				assertThat(this.server.metrics()).hasSize(1);
				assertThat(this.server.traceRecords()).hasSize(1);
				assertThat(this.server.requestCount(Endpoint.CONFIGS)).isGreaterThan(configSyncs);
			});
		});
	}

	@Test
	void closingAStoppedContextFlushesWhatWasQueuedWhileStopped() {
		online().run((context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			context.getSourceApplicationContext(ConfigurableApplicationContext.class).stop();
			fallom.models().get("support", "while-stopped");
			assertThat(this.server.sessions()).isEmpty();
		});
		assertThat(this.server.sessions()).extracting((session) -> session.get("session_id"))
			.containsExactly("while-stopped");
	}

	@Test
	void offlineEngineNeverAsksForTheResourceOfSpans() {
		this.runner.withUserConfiguration(LazyResource.class).run((context) -> {
			assertThat(context.getBean(Fallom.class).isOnline()).isFalse();
			assertThat(context.getBean(LazyResource.class).created).isFalse();
		});
		online().withUserConfiguration(LazyResource.class)
			.run((context) -> assertThat(context.getBean(LazyResource.class).created).isTrue());
	}

	@Test
	void withoutAResourceBeanSpansCarryOpenTelemetrysDefaultResourceWithTheApplicationName() {
		online().withPropertyValues("spring.application.name=resource-test", "fallom.tracing.protocol=otlp")
			.run((context) -> {
				context.getBean(Fallom.class).tracer().spanBuilder("chat gpt-4o").startSpan().end();
				await().until(() -> this.server.receivedSpans().size() == 1);
				assertThat(this.server.receivedSpans().get(0).resourceAttributes())
					.containsEntry("service.name", "resource-test")
					.containsEntry("telemetry.sdk.name", "opentelemetry");
			});
	}

	@Test
	void firstSyncRunsWhileTheContextCreatesItsOtherBeans() {
		online().withBean(CreatedAfterFallom.class).run((context) -> {
			CreatedAfterFallom probe = context.getBean(CreatedAfterFallom.class);
			// Before the context started Fallom, the configs were already served
			assertThat(probe.runningWhenCreated).isFalse();
			assertThat(probe.servedWhenCreated).isEqualTo("gpt-4o");
			assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(1);
		});
	}

	@Test
	void aContextThatStopsAtItsRefreshIsToldByTheCheckpointOrExitProperty() {
		assertThat(FallomAutoConfiguration.refreshOnly()).isFalse();
		for (String property : List.of(DefaultLifecycleProcessor.CHECKPOINT_PROPERTY_NAME,
				DefaultLifecycleProcessor.EXIT_PROPERTY_NAME)) {
			SpringProperties.setProperty(property, DefaultLifecycleProcessor.ON_REFRESH_VALUE);
			try {
				assertThat(FallomAutoConfiguration.refreshOnly()).as(property).isTrue();
			}
			finally {
				SpringProperties.setProperty(property, null);
			}
		}
	}

	/** A bean created after the engine, before the context starts it. */
	static class CreatedAfterFallom {

		final boolean runningWhenCreated;

		final String servedWhenCreated;

		CreatedAfterFallom(Fallom fallom) {
			this.runningWhenCreated = fallom.isRunning();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !fallom.models().get("support", "s1", "none").equals("none"));
			this.servedWhenCreated = fallom.models().get("support", "s1", "none");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyResource {

		volatile boolean created;

		@Bean
		@Lazy
		Resource resource() {
			this.created = true;
			return Resource.empty();
		}

	}

	/**
	 * Return the engine's threads of senders (none any more: they are pumped on the HTTP
	 * client's thread) and of the sync, started since the given ones.
	 */
	static List<String> engineThreadsSince(Set<Thread> before) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && !before.contains(thread))
			.map(Thread::getName)
			.filter((name) -> name.startsWith("fallom-sessions") || name.startsWith("fallom-metrics")
					|| name.startsWith("fallom-spans") || name.startsWith("fallom-records")
					|| name.startsWith("fallom-sync"))
			.toList();
	}

}
