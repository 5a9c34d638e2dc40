package com.fallom;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.spool.Spool;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.TraceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine with a delivery spool against the mock backend over loopback: an outage far
 * beyond the queues spills to disk and is delivered whole after recovery, and what a
 * closed engine left is delivered by the next one.
 */
class FallomSpoolTests {

	private static final int SESSIONS = 1500;

	private static final int SPANS = 300;

	/** Items left at shutdown: twice the queues. */
	private static final int LEFT = 600;

	@TempDir
	Path spoolDirectory;

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
		// Queues a fifth of the traffic: without the spool most of it would be dropped
		return Fallom.builder(Map.of())
			.apiKey(this.server.apiKey())
			.baseUrl(this.server.baseUrl())
			.sessionQueueCapacity(SESSIONS / 5)
			.metricsQueueCapacity(SESSIONS / 5)
			.spanQueueCapacity(SPANS / 5)
			.startupTimeout(Duration.ofSeconds(30))
			.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.spoolDirectory(this.spoolDirectory);
	}

	private void backendDown() {
		for (Endpoint endpoint : new Endpoint[] { Endpoint.SESSIONS, Endpoint.SPANS, Endpoint.TRACES }) {
			this.server.fault(endpoint, Fault.status(503));
		}
	}

	private static void traffic(Fallom fallom, int from, int to) {
		for (int i = from; i < to; i++) {
			fallom.models().get("support", "s" + i);
			fallom.trace().span(Map.of("score", i), "support", "s" + i);
			if (i % (SESSIONS / SPANS) == 0) {
				fallom.tracer().spanBuilder("chat " + i).startSpan().end();
			}
			// 1,000 sessions a second, each with a metric record: a busy app, not a tight loop
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	private Set<Object> sessionIds() {
		return this.server.sessions().stream().map((session) -> session.get("session_id")).collect(Collectors.toSet());
	}

	private Set<Object> metricSessionIds() {
		return this.server.metrics().stream().map((metric) -> metric.get("session_id")).collect(Collectors.toSet());
	}

	private Set<String> spanNames() {
		return this.server.traceRecords().stream().map(TraceRecord::name).collect(Collectors.toSet());
	}

	private static String figures(Fallom fallom) {
		StringBuilder figures = new StringBuilder();
		for (QueueStatistics queue : fallom.queues()) {
			Spool<?> spool = queue.getSpool();
			figures.append(queue.getQueueName()).append(": size ").append(queue.getQueueSize()).append(", dropped ")
				.append(queue.getDroppedCount()).append(", sent ").append(queue.getSentCount()).append(", spooled ")
				.append(spool.getSpooledCount()).append(", replayed ").append(spool.getReplayedCount())
				.append(", spool bytes ").append(spool.getBytes()).append("; ");
		}
		return figures.toString();
	}

	private static long spooled(Fallom fallom) {
		long spooled = 0;
		for (QueueStatistics queue : fallom.queues()) {
			Spool<?> spool = queue.getSpool();
			assertThat(spool).as(queue.getQueueName()).isNotNull();
			spooled += spool.getSpooledCount();
		}
		return spooled;
	}

	@Test
	void anOutageBeyondTheQueuesIsDeliveredWholeAfterRecovery() {
		backendDown();
		try (Fallom fallom = online().build()) {
			traffic(fallom, 0, SESSIONS);
			await().atMost(Duration.ofSeconds(20)).until(() -> spooled(fallom) >= SESSIONS);
			assertThat(sessionIds()).isEmpty();
			this.server.clearFaults();
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				assertThat(sessionIds()).as(() -> figures(fallom)).hasSize(SESSIONS);
				assertThat(metricSessionIds()).as(() -> figures(fallom)).hasSize(SESSIONS);
				assertThat(spanNames()).as(() -> figures(fallom)).hasSize(SPANS);
			});
			for (QueueStatistics queue : fallom.queues()) {
				assertThat(queue.getDroppedCount()).as(queue.getQueueName()).isZero();
				assertThat(queue.getSpool().getReplayedCount()).as(queue.getQueueName()).isPositive();
				await().atMost(Duration.ofSeconds(10)).until(() -> queue.getSpool().getBytes() == 0);
			}
		}
	}

	@Test
	void whatAClosedEngineLeftIsDeliveredByTheNextOne() {
		backendDown();
		Fallom first = online().shutdownTimeout(Duration.ofMillis(300)).build();
		traffic(first, 0, LEFT);
		first.close();
		for (QueueStatistics queue : first.queues()) {
			assertThat(queue.getDroppedCount()).as(() -> figures(first)).isZero();
		}
		assertThat(sessionIds()).isEmpty();
		this.server.clearFaults();
		try (Fallom second = online().build()) {
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(sessionIds()).hasSize(LEFT);
				assertThat(metricSessionIds()).hasSize(LEFT);
				assertThat(spanNames()).hasSize(LEFT / (SESSIONS / SPANS));
			});
		}
	}

	@Test
	void withoutASpoolDirectoryNothingIsWritten() {
		try (Fallom fallom = online().spoolDirectory(null).build()) {
			assertThat(fallom.queues()).allSatisfy((queue) -> assertThat(queue.getSpool()).isNull());
		}
	}

}
