package com.fallom.models;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import com.fallom.CapturedLogs;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that {@link SessionRecorder} delivers every record to a {@link FallomMockServer}
 * over real HTTP: at a distant backend's latency, and through outages.
 */
@ExtendWith(CapturedLogs.Extension.class)
class SessionDeliveryTests {

	private static final RetryBackoff FAST_BACKOFF = new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

	private FallomMockServer server;

	private FallomHttpClient client;

	private SessionRecorder recorder;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofSeconds(1));
	}

	@AfterEach
	void stop() {
		if (this.recorder != null) {
			this.recorder.stop();
		}
		this.client.close();
		this.server.close();
	}

	private SessionRecorder start(int maxInFlight, RetryBackoff backoff, Duration shutdownTimeout) {
		this.recorder = new SessionRecorder(this.client, 10_000, 65_536, maxInFlight, backoff,
				Duration.ofSeconds(1), shutdownTimeout);
		this.recorder.start();
		return this.recorder;
	}

	private void record(int session) {
		this.recorder.record("support", 1, "s" + session, "gpt-4o", session + 1);
	}

	private List<String> receivedSessionIds() {
		List<String> ids = new ArrayList<>();
		for (Map<String, Object> session : this.server.sessions()) {
			ids.add((String) session.get("session_id"));
		}
		return ids;
	}

	private Set<String> distinctReceivedSessionIds() {
		return new HashSet<>(receivedSessionIds());
	}

	private static List<String> sessionIds(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add("s" + i);
		}
		return ids;
	}

	@Test
	void deliversAllOf3000NewSessionsAt500PerSecondWhenTheBackendAnswersAfter50Ms() {
		this.server.fault(Endpoint.SESSIONS, Fault.delay(Duration.ofMillis(50)));
		// Threads of earlier tests may still be ending: count only the ones this recorder adds
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		start(SessionRecorder.DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT, Duration.ofSeconds(2));
		long start = System.nanoTime();
		long interval = 2_000_000;
		int maxSenderThreads = 0;
		for (int i = 0; i < 3000; i++) {
			long wait = start + i * interval - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			record(i);
			if (i % 500 == 0) {
				maxSenderThreads = Math.max(maxSenderThreads, countNewThreads("fallom-", before));
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> distinctReceivedSessionIds().size() >= 3000);
		assertThat(distinctReceivedSessionIds()).isEqualTo(new HashSet<>(sessionIds(3000)));
		assertThat(this.recorder.getDroppedCount()).isZero();
		assertThat(this.recorder.getSentCount()).isEqualTo(3000);
		// The HTTP client's one thread, which also pumps the recorder, however many records are in flight
		assertThat(maxSenderThreads).isLessThanOrEqualTo(1);
	}

	private static int countNewThreads(String prefix, Set<Thread> before) {
		return (int) Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> !before.contains(thread))
			.filter((thread) -> thread.getName().startsWith(prefix) && !thread.getName().startsWith("fallom-mock"))
			.count();
	}

	static Stream<Arguments> outages() {
		return Stream.of(Arguments.of(Fault.status(500)), Arguments.of(Fault.status(503)),
				Arguments.of(Fault.status(429)), Arguments.of(Fault.reset()), Arguments.of(Fault.hang()));
	}

	@ParameterizedTest
	@MethodSource("outages")
	void deliversEverythingQueuedDuringAnOutageInOrderAfterRecovery(Fault outage) {
		this.server.fault(Endpoint.SESSIONS, outage);
		start(1, FAST_BACKOFF, Duration.ofSeconds(2));
		for (int i = 0; i < 200; i++) {
			record(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getRetriedCount() >= 3);
		assertThat(this.server.sessions()).isEmpty();
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.server.sessions().size() >= 200);
		assertThat(receivedSessionIds()).containsExactlyElementsOf(sessionIds(200));
		assertThat(this.recorder.getDroppedCount()).isZero();
		assertThat(this.recorder.getFailedCount()).isZero();
	}

	@Test
	void deliversEverythingQueuedWhileTheBackendWasDownAtFullConcurrency() {
		int port = this.server.port();
		this.server.close();
		start(SessionRecorder.DEFAULT_MAX_IN_FLIGHT, FAST_BACKOFF, Duration.ofSeconds(2));
		for (int i = 0; i < 500; i++) {
			record(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getRetriedCount() >= 3);
		this.server = FallomMockServer.start(port, FallomMockServer.DEFAULT_API_KEY);
		await().atMost(Duration.ofSeconds(20)).until(() -> distinctReceivedSessionIds().size() >= 500);
		// At least once: a request that timed out while the restarting backend took it is sent again
		assertThat(distinctReceivedSessionIds()).isEqualTo(new HashSet<>(sessionIds(500)));
		assertThat(this.recorder.getDroppedCount()).isZero();
	}

	@Test
	void sessionThatStartedDuringABlipIsRecordedOnceTheBackendIsBack() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(502));
		start(SessionRecorder.DEFAULT_MAX_IN_FLIGHT, FAST_BACKOFF, Duration.ofSeconds(2));
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.SESSIONS) >= 2);
		this.server.clearFaults();
		// The session goes on after the blip: the same assignment again
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.sessions().isEmpty());
		assertThat(receivedSessionIds()).containsExactly("s1");
	}

	@ParameterizedTest
	@MethodSource("retryAfters")
	void retryAfterFromAProxyBacksOffAtMostTheMaxBackoffAndDelivers(String retryAfter) {
		this.server.fault(Endpoint.SESSIONS, Fault.status(503).withRetryAfter(retryAfter).times(1));
		start(1, FAST_BACKOFF, Duration.ofSeconds(2));
		record(1);
		record(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.sessions().size() >= 2);
		assertThat(receivedSessionIds()).containsExactly("s1", "s2");
		assertThat(this.recorder.getRetriedCount()).isOne();
	}

	static Stream<String> retryAfters() {
		// Epoch milliseconds (the first that overflowed is 9,223,372,037 s), a number beyond
		// a long, and an HTTP-date far away
		return Stream.of("1765000000000", "9223372037", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT");
	}

	@Test
	void recordAnswered500ForeverIsGivenUpAfterTheMostAttemptsAndCounted() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(500));
		start(1, FAST_BACKOFF.withLimits(3, Duration.ofMinutes(10)), Duration.ofSeconds(2));
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getExpiredByAttemptsCount() == 1);
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isEqualTo(3);
		assertThat(this.recorder.getQueueSize()).isZero();
		this.server.clearFaults();
		// Given up, so a later call of the same session records it again
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.sessions().isEmpty());
		assertThat(receivedSessionIds()).containsExactly("s1");
	}

	@Test
	void bodyThatStallsAfterTheHeadersFreesItsSlotWithinTheTimeoutAndIsRetried() {
		this.server.fault(Endpoint.SESSIONS, Fault.stallBody());
		start(1, FAST_BACKOFF, Duration.ofSeconds(2));
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getRetriedCount() >= 1);
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.sessions().isEmpty());
		assertThat(distinctReceivedSessionIds()).containsExactly("s1");
	}

	@Test
	void revokedApiKeyBacksOffInsteadOfSendingEveryRecord(CapturedLogs logs) {
		this.client.close();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), "revoked-key", Duration.ofSeconds(1));
		start(1, new RetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), Duration.ofMillis(300));
		for (int i = 0; i < 10; i++) {
			record(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getFailedCount() == 1);
		this.recorder.stop();
		assertThat(this.server.unauthorizedCount()).isOne();
		assertThat(this.recorder.getDroppedCount()).isEqualTo(9);
		assertThat(logs.toString()).contains("HTTP 401").doesNotContain("revoked-key");
	}

	@Test
	void refusedRecordIsDroppedWithOneWarnAndRecordedByALaterCall(CapturedLogs logs) {
		this.server.fault(Endpoint.SESSIONS, Fault.status(400).times(3));
		start(1, FAST_BACKOFF, Duration.ofSeconds(2));
		record(1);
		record(2);
		record(3);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getFailedCount() == 3);
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isEqualTo(3);
		assertThat(logs.count("the backend refused")).isOne();
		record(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.sessions().isEmpty());
		assertThat(receivedSessionIds()).containsExactly("s1");
		assertThat(this.recorder.getRetriedCount()).isZero();
		assertThat(this.recorder.getDroppedCount()).isZero();
	}

	@Test
	void stopWithQueuedAndRetryingRecordsReturnsWithinTheShutdownTimeoutAndCountsThemDropped() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(503));
		start(4, new RetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), Duration.ofMillis(300));
		for (int i = 0; i < 100; i++) {
			record(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.getRetriedCount() >= 1);
		long start = System.nanoTime();
		this.recorder.stop();
		Duration stopping = Duration.ofNanos(System.nanoTime() - start);
		// The flush timeout, and a grace for the interrupted thread to end
		assertThat(stopping).isLessThan(Duration.ofMillis(300 + 250 + 500));
		assertThat(this.recorder.getDroppedCount()).isEqualTo(100);
		assertThat(this.recorder.getSentCount()).isZero();
		assertThat(this.recorder.getQueueSize()).isZero();
	}

	@Test
	void stopFlushesRecordsWaitingForARetryOnceTheBackendAnswers() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(500).times(1));
		start(1, FAST_BACKOFF, Duration.ofSeconds(5));
		for (int i = 0; i < 20; i++) {
			record(i);
		}
		this.recorder.stop();
		assertThat(receivedSessionIds()).containsExactlyElementsOf(sessionIds(20));
		assertThat(this.recorder.getDroppedCount()).isZero();
	}

}
