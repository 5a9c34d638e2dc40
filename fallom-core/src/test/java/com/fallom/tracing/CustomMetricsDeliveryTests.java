package com.fallom.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that {@link CustomMetricsSender} delivers every record to a
 * {@link FallomMockServer} over real HTTP: at a distant backend's latency, and through
 * outages.
 */
class CustomMetricsDeliveryTests {

	private FallomMockServer server;

	private FallomHttpClient client;

	private CustomMetricsSender sender;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofSeconds(1));
	}

	@AfterEach
	void stop() {
		if (this.sender != null) {
			this.sender.stop();
		}
		this.client.close();
		this.server.close();
	}

	private void start(int maxInFlight, RetryBackoff backoff) {
		this.sender = new CustomMetricsSender(this.client, 10_000, maxInFlight, backoff, Duration.ofSeconds(1),
				Duration.ofSeconds(2));
		this.sender.start();
	}

	private void send(int session) {
		this.sender.send(new CustomMetricsSender.MetricRecord("support", "s" + session, Map.of("score", session)));
	}

	private List<String> receivedSessionIds() {
		List<String> ids = new ArrayList<>();
		for (Map<String, Object> metric : this.server.metrics()) {
			ids.add((String) metric.get("session_id"));
		}
		return ids;
	}

	private static List<String> sessionIds(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add("s" + i);
		}
		return ids;
	}

	@Test
	void deliversAllOf3000RecordsAt500PerSecondWhenTheBackendAnswersAfter50Ms() {
		this.server.fault(Endpoint.SPANS, Fault.delay(Duration.ofMillis(50)));
		start(CustomMetricsSender.DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT);
		long start = System.nanoTime();
		for (int i = 0; i < 3000; i++) {
			long wait = start + i * 2_000_000L - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			send(i);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(receivedSessionIds()).size() >= 3000);
		assertThat(new HashSet<>(receivedSessionIds())).isEqualTo(new HashSet<>(sessionIds(3000)));
		assertThat(this.sender.getDroppedCount()).isZero();
	}

	@Test
	void deliversEverythingQueuedDuringAnOutageInOrderAfterRecovery() {
		this.server.fault(Endpoint.SPANS, Fault.status(500));
		start(1, new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
		for (int i = 0; i < 200; i++) {
			send(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getRetriedCount() >= 3);
		assertThat(this.server.metrics()).isEmpty();
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.server.metrics().size() >= 200);
		assertThat(receivedSessionIds()).containsExactlyElementsOf(sessionIds(200));
		assertThat(this.sender.getDroppedCount()).isZero();
	}

	@Test
	void deliversEverythingQueuedWhileTheBackendResetConnectionsThenAnswered504AtFullConcurrency() {
		this.server.fault(Endpoint.SPANS, Fault.reset());
		start(CustomMetricsSender.DEFAULT_MAX_IN_FLIGHT, new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
		for (int i = 0; i < 300; i++) {
			send(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getRetriedCount() >= 3);
		this.server.fault(Endpoint.SPANS, Fault.status(504));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.SPANS) >= 10);
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> new HashSet<>(receivedSessionIds()).size() >= 300);
		Set<String> received = new HashSet<>(receivedSessionIds());
		assertThat(received).isEqualTo(new HashSet<>(sessionIds(300)));
		assertThat(this.sender.getDroppedCount()).isZero();
	}

}
