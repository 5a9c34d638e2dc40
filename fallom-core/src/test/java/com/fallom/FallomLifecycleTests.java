package com.fallom;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.tracing.internal.TracingWarmUp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@link Fallom} engine's lifecycle: {@link Fallom#stop()} pauses,
 * {@link Fallom#start()} resumes, {@link Fallom#close()} ends it for good.
 */
class FallomLifecycleTests {

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

	private Fallom.Builder online() {
		return Fallom.builder(Map.of()).apiKey(this.server.apiKey()).baseUrl(this.server.baseUrl());
	}

	@Test
	void stopPausesAndStartResumesDeliveryAndSync() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		try (Fallom fallom = online().build()) {
			fallom.models().get("support", "before-stop");
			await().until(() -> this.server.sessions().size() == 1);
			fallom.stop();
			assertThat(fallom.isRunning()).isFalse();
			// Its executor has terminated; the thread itself ends right after
			await().untilAsserted(() -> assertThat(engineThreadsSince(before)).isEmpty());
			int configSyncs = this.server.requestCount(Endpoint.CONFIGS);
			assertThat(fallom.models().get("support", "while-stopped")).isEqualTo("gpt-4o");
			fallom.trace().span(Map.of("score", 1), "support", "while-stopped");
			fallom.tracer().spanBuilder("chat while stopped").startSpan().end();
			assertThat(this.server.sessions()).hasSize(1);
			fallom.start();
			assertThat(fallom.isRunning()).isTrue();
			fallom.models().get("support", "after-start");
			await().untilAsserted(() -> {
				assertThat(this.server.sessions()).extracting((session) -> session.get("session_id"))
					.containsExactlyInAnyOrder("before-stop", "while-stopped", "after-start");
				assertThat(this.server.metrics()).hasSize(1);
				assertThat(this.server.traceRecords()).hasSize(1);
				assertThat(this.server.requestCount(Endpoint.CONFIGS)).isGreaterThan(configSyncs);
			});
		}
	}

	@Test
	void stopFlushesWhatIsQueued() {
		Fallom fallom = online().build();
		for (int i = 0; i < 20; i++) {
			fallom.models().get("support", "session-" + i);
		}
		fallom.stop();
		assertThat(this.server.sessions()).hasSize(20);
		fallom.close();
	}

	@Test
	void closedEngineDoesNotStartAgain() {
		Fallom fallom = online().build();
		fallom.close();
		fallom.start();
		assertThat(fallom.isRunning()).isFalse();
		assertThat(fallom.models().get("support", "after-close")).isEqualTo("gpt-4o");
	}

	@Test
	void closeAfterStopFlushesWhatWasQueuedWhileStopped() {
		Fallom fallom = online().build();
		fallom.stop();
		fallom.models().get("support", "while-stopped");
		fallom.close();
		assertThat(this.server.sessions()).extracting((session) -> session.get("session_id"))
			.containsExactly("while-stopped");
	}

	@ParameterizedTest
	@ValueSource(strings = { "records", "otlp" })
	void onlineEngineAddsAtMostFourThreadsWithNoThreadPerSenderAndOneHttpClientForEveryServiceAndTheExport(
			String protocol) {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		try (Fallom fallom = online().tracingProtocol(protocol).build()) {
			fallom.models().get("support", "s1");
			fallom.trace().span(Map.of("score", 1), "support", "s1");
			fallom.tracer().spanBuilder("chat gpt-4o").startSpan().end();
			fallom.prompts().get("greeting", null, com.fallom.prompts.PromptFallback.of("s", "u"));
			await().until(() -> this.server.sessions().size() == 1 && this.server.metrics().size() == 1
					&& (this.server.traceRecords().size() + this.server.traceSpans().size()) == 1);
			// Answered on the client's side too, so no completion is still under way
			await().until(() -> fallom.queues().stream().allMatch((queue) -> queue.getSentCount() == 1));
			List<String> started = threadsSince(before).stream()
				.filter((name) -> !name.startsWith("fallom-mock-") && !name.startsWith("awaitility"))
				.toList();
			// The sync thread of configs, prompts and prompt A/B tests, the HTTP client's one
			// thread that also pumps the three senders and fires deadlines, and the transport's
			// I/O thread; no JVM-wide delayer of CompletableFuture.orTimeout, and no thread
			// per answer (the JDK client's sendAsync starts one per answer on two cores or fewer)
			assertThat(engineThreadsSince(before)).containsExactly("fallom-sync-1");
			assertThat(started).filteredOn((name) -> name.startsWith("fallom-http")).hasSize(1);
			assertThat(started).filteredOn((name) -> name.startsWith("requester-dispatch")).hasSize(1);
			assertThat(started).noneMatch((name) -> name.matches("Thread-\\d+"));
			assertThat(started).as(started.toString()).hasSizeLessThanOrEqualTo(4);
		}
	}

	@Test
	void engineBuiltWithoutStartingOpensNoConnectionAndRunsNoSyncUntilStarted() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		try (Fallom fallom = online().startOnBuild(false).build()) {
			assertThat(threadsSince(before)).noneMatch((name) -> name.startsWith("requester-dispatch")
					|| name.startsWith("fallom-sync") || name.startsWith("fallom-http"));
			assertThat(this.server.requests()).isEmpty();
			fallom.start();
			// Nothing to serve: start waited for the first sync, which built the HTTP client
			assertThat(fallom.models().get("support", "s1")).isEqualTo("gpt-4o");
			assertThat(threadsSince(before)).anyMatch((name) -> name.startsWith("requester-dispatch"));
		}
	}

	@Test
	void firstSyncOnBuildRunsBeforeStartWithoutDeliveringAnythingAndStartDoesNotSyncAgain() {
		try (Fallom fallom = online().startOnBuild(false).firstSyncOnBuild(true).build()) {
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
			// Served at once, but the session record waits in its queue for start
			await().until(() -> fallom.models().get("support", "s1", "none").equals("gpt-4o"));
			assertThat(fallom.isRunning()).isFalse();
			assertThat(this.server.sessions()).isEmpty();
			fallom.start();
			await().until(() -> this.server.sessions().size() == 1);
			assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(1);
		}
	}

	@Test
	void firstSyncBegunOnBuildHasHadItsShareOfTheStartupTimeoutWhenStartComes() throws Exception {
		this.server.fault(Endpoint.CONFIGS, Fault.hang());
		Duration startupTimeout = Duration.ofSeconds(2);
		try (Fallom fallom = online().startupTimeout(startupTimeout)
			.startOnBuild(false)
			.firstSyncOnBuild(true)
			.build()) {
			long built = System.nanoTime();
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
			Thread.sleep(Math.max(0, startupTimeout.toMillis() - Duration.ofNanos(System.nanoTime() - built).toMillis()));
			long starting = System.nanoTime();
			fallom.start();
			// The timeout ran out before start: start waits no further (it would wait 2 s)
			assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofSeconds(1));
			assertThat(fallom.isRunning()).isTrue();
			assertThat(fallom.models().get("support", "s1", "fallback")).isEqualTo("fallback");
		}
	}

	@Test
	void promptSyncsBegunAtStartGetTheirOwnStartupTimeoutAfterAnEarlyConfigSync() throws Exception {
		this.server.putPrompt("greeting", 2, "Fetched", "Hello {{name}}");
		this.server.fault(Endpoint.PROMPTS, Fault.delay(Duration.ofMillis(300)).times(1));
		Duration startupTimeout = Duration.ofSeconds(1);
		try (Fallom fallom = online().startupTimeout(startupTimeout)
			.startOnBuild(false)
			.firstSyncOnBuild(true)
			.build()) {
			await().until(() -> fallom.models().get("support", "s1", "none").equals("gpt-4o"));
			// The config sync's timeout has run out; the prompt sync begins only now
			Thread.sleep(startupTimeout.toMillis() + 100);
			fallom.start();
			assertThat(fallom.prompts().get("greeting", Map.of("name", "Jo")).user()).isEqualTo("Hello Jo");
		}
	}

	@Test
	void firstSyncOnBuildWaitsForStartWhenThereIsSomethingToServe() {
		ModelConfig bootstrap = new ModelConfig("support", 1, List.of(new ModelVariant("local-model", 100)),
				ConfigOrigin.BOOTSTRAP);
		try (Fallom fallom = online().bootstrapConfig(bootstrap).startOnBuild(false).firstSyncOnBuild(true).build()) {
			// start would not wait: nothing is fetched before it
			assertThat(fallom.models().get("support", "s1")).isEqualTo("local-model");
			fallom.start();
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
			await().until(() -> fallom.models().get("support", "s1").equals("gpt-4o"));
		}
	}

	@Test
	void stopOrCloseBeforeStartEndsTheSyncBegunOnBuild() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		Fallom fallom = online().refreshInterval(Duration.ofMillis(100))
			.startOnBuild(false)
			.firstSyncOnBuild(true)
			.build();
		try {
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) >= 2);
			fallom.stop();
			await().untilAsserted(() -> assertThat(engineThreadsSince(before)).isEmpty());
			int stopped = this.server.requestCount(Endpoint.CONFIGS);
			fallom.start();
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) > stopped);
		}
		finally {
			fallom.close();
		}
		await().untilAsserted(() -> assertThat(engineThreadsSince(before)).isEmpty());
		int closed = this.server.requestCount(Endpoint.CONFIGS);
		try (Fallom neverStarted = online().refreshInterval(Duration.ofMillis(100))
			.startOnBuild(false)
			.firstSyncOnBuild(true)
			.build()) {
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) > closed + 1);
			neverStarted.close();
			await().untilAsserted(() -> assertThat(engineThreadsSince(before)).isEmpty());
		}
	}

	@Test
	void engineBuiltWithoutStartingLoadsTheTracingSdkMeanwhileOnAThreadThatEndsAndExportsAsBefore() throws Exception {
		try (Fallom fallom = online().startOnBuild(false).build()) {
			assertThat(fallom.tracingWarmUp()).isNotNull();
			fallom.tracingWarmUp().get(30, TimeUnit.SECONDS);
			await().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
				.noneMatch((thread) -> thread.isAlive() && thread.getName().equals(TracingWarmUp.THREAD_NAME)));
			fallom.start();
			fallom.tracer().spanBuilder("chat gpt-4o").startSpan().end();
			await().until(() -> this.server.traceRecords().size() == 1);
			// The warm-up's own tracer provider exported nothing: only the engine's span
			assertThat(this.server.traceRecords()).hasSize(1);
		}
	}

	@Test
	void engineStartedOnBuildOfflineOrWithoutSpanExportLeavesTheTracingSdkToItsOwnBuild() {
		try (Fallom started = online().build();
				Fallom offline = Fallom.builder(Map.of()).startOnBuild(false).build();
				Fallom withoutExport = online().exportSpans(false).startOnBuild(false).build()) {
			assertThat(started.tracingWarmUp()).isNull();
			assertThat(offline.tracingWarmUp()).isNull();
			assertThat(withoutExport.tracingWarmUp()).isNull();
		}
	}

	private static List<String> threadsSince(Set<Thread> before) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && !before.contains(thread))
			.map(Thread::getName)
			.toList();
	}

	/**
	 * Return the engine's threads of senders (none any more: they run on the HTTP
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
