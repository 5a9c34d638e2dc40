package com.fallom.models;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fallom.internal.FallomHttpClient;
import com.fallom.models.internal.PinnedVersionLoader;
import com.fallom.models.internal.SessionHasher;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.NonBlocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomModels} with pinned versions and session recording against a
 * {@link FallomMockServer} over real HTTP.
 */
class FallomModelsBackendTests {

	private FallomMockServer server;

	private FallomHttpClient client;

	private ModelConfigRegistry registry;

	private SessionRecorder recorder;

	private FallomModels models;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofMillis(800));
		this.registry = new ModelConfigRegistry(List.of(), null);
		this.recorder = new SessionRecorder(this.client, 1000, 4096, Duration.ofSeconds(1), Duration.ofSeconds(2));
		this.recorder.start();
		this.models = new FallomModels(this.registry, new PinnedVersionLoader(this.client, this.registry,
				Duration.ofMillis(800), Duration.ofMinutes(1), Clock.systemUTC()), this.recorder, List.of());
	}

	@AfterEach
	void stop() {
		this.recorder.stop();
		this.client.close();
		this.server.close();
		FallomSessionHolder.clear();
	}

	private static Map<String, Number> weights(Object... modelsAndWeights) {
		Map<String, Number> weights = new LinkedHashMap<>();
		for (int i = 0; i < modelsAndWeights.length; i += 2) {
			weights.put((String) modelsAndWeights[i], (Number) modelsAndWeights[i + 1]);
		}
		return weights;
	}

	@Test
	void concurrentCallersOfAnUncachedVersionShareOneRequest() throws Exception {
		this.server.putConfig("support", 2, weights("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIG_VERSION, Fault.delay(Duration.ofMillis(300)));
		int callers = 16;
		CyclicBarrier barrier = new CyclicBarrier(callers);
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				String session = "s" + i;
				results.add(executor.submit(() -> {
					barrier.await();
					return this.models.get("support", session, ModelOptions.version(2));
				}));
			}
			for (Future<String> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("gpt-4o");
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.server.requestCount(Endpoint.CONFIG_VERSION)).isOne();
		assertThat(this.server.requests(Endpoint.CONFIG_VERSION).get(0).path())
			.isEqualTo("/configs/support/version/2");
		// Cached for good: no further request.
		this.models.get("support", "another", ModelOptions.version(2));
		assertThat(this.server.requestCount(Endpoint.CONFIG_VERSION)).isOne();
	}

	@Test
	void missingVersionIsRememberedInsteadOfRequestedPerCall() {
		for (int i = 0; i < 20; i++) {
			assertThat(this.models.get("support", "s" + i, ModelOptions.version(9).withFallback("fb"))).isEqualTo("fb");
		}
		assertThat(this.server.requestCount(Endpoint.CONFIG_VERSION)).isOne();
		assertThatExceptionOfType(ConfigNotFoundException.class)
			.isThrownBy(() -> this.models.get("support", "s1", ModelOptions.version(9)))
			.withMessageContaining("'support' version 9 not found");
	}

	@Test
	void slowOrFailingVersionFetchFallsBackWithinTheTimeout() {
		this.server.putConfig("support", 2, weights("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIG_VERSION, Fault.delay(Duration.ofSeconds(3)));
		assertThat(this.models.get("support", "s1", ModelOptions.version(2).withFallback("fb"))).isEqualTo("fb");
		this.server.fault(Endpoint.CONFIG_VERSION, Fault.status(500));
		// The slow fetch is shared by later callers until its own request times out.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThatExceptionOfType(FallomModelsException.class)
				.isThrownBy(() -> this.models.get("support", "s1", ModelOptions.version(2)))
				.withMessageContaining("'support' version 2 could not be fetched: HTTP 500"));
	}

	@Test
	void assignmentsAreRecordedOnceWithExactlyTheProtocolFields() {
		this.registry.applyFetched(Map.of("support", new ModelConfig("support", 3,
				List.of(new ModelVariant("gpt-4o", 50), new ModelVariant("claude-3-5-sonnet", 50)),
				ConfigOrigin.FETCHED)), java.time.Instant.now());
		for (int i = 0; i < 5; i++) {
			this.models.get("support", "user24204-convo67097");
		}
		this.models.get("missing", "user1", "fallback-model");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.sessions().size() >= 1);
		this.recorder.stop();
		assertThat(this.server.sessions()).containsExactly(Map.of("config_key", "support", "config_version", 3,
				"session_id", "user24204-convo67097", "assigned_model", "gpt-4o"));
		assertThat(this.server.requests(Endpoint.SESSIONS).get(0).header("Authorization"))
			.isEqualTo("Bearer " + FallomMockServer.DEFAULT_API_KEY);
	}

	@Test
	void backendDownNeverSlowsOrBreaksAssignments() {
		this.registry.applyFetched(Map.of("support", new ModelConfig("support", 1,
				List.of(new ModelVariant("gpt-4o", 100)), ConfigOrigin.FETCHED)), java.time.Instant.now());
		this.server.fault(Endpoint.SESSIONS, Fault.delay(Duration.ofSeconds(5)));
		for (int i = 0; i < 5000; i++) {
			assertThat(this.models.get("support", "s" + i)).isEqualTo("gpt-4o");
		}
		assertThat(this.recorder.getDroppedCount()).isPositive();
	}

	@Test
	void uncachedPinnedVersionOnANonBlockingThreadServesTheFallbackAtOnceAndFetchesInTheBackground()
			throws Exception {
		this.server.putConfig("support", 2, weights("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIG_VERSION, Fault.delay(Duration.ofMillis(300)));
		AtomicReference<Object> onEventLoop = new AtomicReference<>();
		Thread eventLoop = new EventLoopThread(() -> {
			try {
				onEventLoop.set(this.models.get("support", "s1", ModelOptions.version(2).withFallback("fb")));
				this.models.get("support", "s1", ModelOptions.version(2));
			}
			catch (RuntimeException ex) {
				onEventLoop.compareAndSet("fb", ex);
			}
		});
		eventLoop.start();
		eventLoop.join(5_000);
		assertThat(onEventLoop.get()).as("fallback, then a clear error without one")
			.isInstanceOfSatisfying(FallomModelsException.class,
					(ex) -> assertThat(ex.getMessage()).contains("must not block"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.getCachedVersion("support", 2) != null);
		assertThat(this.models.get("support", "s1", ModelOptions.version(2))).isEqualTo("gpt-4o");
		assertThat(this.server.requestCount(Endpoint.CONFIG_VERSION)).isEqualTo(1);
	}

	/**
	 * A thread Reactor calls non-blocking, as a Netty event loop of WebFlux is.
	 */
	private static final class EventLoopThread extends Thread implements NonBlocking {

		EventLoopThread(Runnable task) {
			super(task, "test-event-loop");
		}

	}

	@Test
	void concurrentGetsWhileRefreshesSwapConfigsSeeOnlyWholeConfigs() throws Exception {
		// Each version has models of its own, and each session a known variant (its bucket
		// against the 60/40 split): a torn read shows a model of another version than the
		// one reported, or the other variant's model.
		Set<String> problems = ConcurrentHashMap.newKeySet();
		AtomicBoolean swapping = new AtomicBoolean();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong checkedDuringSwaps = new AtomicLong();
		int threads = 3;
		CountDownLatch started = new CountDownLatch(threads);
		CountDownLatch done = new CountDownLatch(threads);
		applyVersion(1);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			for (int t = 0; t < threads; t++) {
				int thread = t;
				executor.submit(() -> {
					try {
						int i = 0;
						while (running.get()) {
							String session = "t" + thread + "-" + (i++ % 500);
							ModelAssignment assignment = this.models.assign("swap", session);
							String variant = (SessionHasher.bucketOf(session) < 600_000) ? "a" : "b";
							if (!assignment.model().equals("v" + assignment.configVersion() + "-" + variant)
									|| assignment.variantIndex() != (variant.equals("a") ? 0 : 1)) {
								problems.add(session + " got " + assignment);
							}
							if (i == 1) {
								started.countDown();
							}
							if (swapping.get()) {
								checkedDuringSwaps.incrementAndGet();
							}
						}
					}
					catch (Throwable ex) {
						problems.add(ex.toString());
					}
					finally {
						done.countDown();
					}
				});
			}
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			swapping.set(true);
			// Swap until the readers have checked plenty of assignments while swaps ran.
			for (int version = 2; checkedDuringSwaps.get() < 50_000 && version < 1_000_000; version++) {
				applyVersion(version);
			}
			swapping.set(false);
		}
		finally {
			running.set(false);
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			executor.shutdownNow();
		}
		assertThat(checkedDuringSwaps.get()).isGreaterThanOrEqualTo(50_000);
		assertThat(problems).isEmpty();
	}

	private void applyVersion(int version) {
		this.registry.applyFetched(Map.of("swap", new ModelConfig("swap", version,
				List.of(new ModelVariant("v" + version + "-a", 60), new ModelVariant("v" + version + "-b", 40)),
				ConfigOrigin.FETCHED)), java.time.Instant.now());
	}

}
