package com.fallom.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fallom.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BoundedSender}, with a sender whose answers the test gives.
 */
@ExtendWith(CapturedLogs.Extension.class)
class BoundedSenderTests {

	private static final RetryBackoff FAST_BACKOFF = new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(50));

	private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private BoundedSender<Integer> sender;

	@AfterEach
	void stop() {
		if (this.sender != null) {
			this.sender.stop(Duration.ofMillis(100));
		}
	}

	private BoundedSender<Integer> start(BoundedSender.Builder<Integer> builder) {
		this.sender = builder.build();
		this.sender.start();
		return this.sender;
	}

	private BoundedSender.Builder<Integer> builder() {
		return BoundedSender.builder("test", (batch) -> {
			int now = this.inFlight.incrementAndGet();
			this.maxInFlight.accumulateAndGet(now, Math::max);
			Request request = new Request(List.copyOf(batch), new CompletableFuture<>());
			this.requests.add(request);
			return request.result.whenComplete((result, ex) -> this.inFlight.decrementAndGet());
		});
	}

	private Request nextRequest() throws InterruptedException {
		Request request = this.requests.poll(10, TimeUnit.SECONDS);
		assertThat(request).as("a request within 10 s").isNotNull();
		return request;
	}

	@Test
	void keepsUpToMaxInFlightRequestsUnderWayFromOneThread() throws Exception {
		start(builder().capacity(1000).maxInFlight(8));
		for (int i = 0; i < 100; i++) {
			this.sender.offer(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.requests.size() == 8);
		assertThat(this.sender.getInFlightCount()).isEqualTo(8);
		for (int answered = 0; answered < 100; answered++) {
			nextRequest().result.complete(SendResult.sent());
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getSentCount() == 100);
		assertThat(this.maxInFlight).hasValue(8);
	}

	@Test
	void concurrentFailuresBackOffOnceThenOneRequestProbesAndNewerItemsWhenTheOldestFailsAgain() throws Exception {
		start(builder().capacity(1000).maxInFlight(4).backoff(FAST_BACKOFF));
		for (int i = 0; i < 10; i++) {
			this.sender.offer(i);
		}
		List<Request> first = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			first.add(nextRequest());
		}
		// Answered out of order, all failing
		for (int i = 3; i >= 0; i--) {
			first.get(i).result.completeExceptionally(new IOException("Connection refused"));
		}
		Request probe = nextRequest();
		assertThat(probe.items).containsExactly(0);
		assertThat(this.sender.getInFlightCount()).isOne();
		probe.result.complete(SendResult.retry("HTTP 503", null));
		// The oldest retry failed again: the next probe takes a newer item
		probe = nextRequest();
		assertThat(probe.items).containsExactly(4);
		assertThat(this.requests).isEmpty();
		probe.result.complete(SendResult.sent());
		List<Integer> order = new ArrayList<>();
		while (order.size() < 9) {
			Request request = nextRequest();
			order.addAll(request.items);
			request.result.complete(SendResult.sent());
		}
		assertThat(order).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 9);
		assertThat(this.sender.getRetriedCount()).isEqualTo(5);
		assertThat(this.sender.getDroppedCount()).isZero();
	}

	@Test
	void refusedItemsAreCountedAsFailedAndHandedToTheDiscardCallback() throws Exception {
		List<Integer> discarded = new CopyOnWriteArrayList<>();
		start(builder().capacity(10).onDiscarded(discarded::addAll));
		this.sender.offer(1);
		this.sender.offer(2);
		nextRequest().result.complete(SendResult.ofStatus(400, null));
		nextRequest().result.complete(SendResult.ofStatus(200, null));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getSentCount() == 1);
		assertThat(this.sender.getFailedCount()).isOne();
		assertThat(this.sender.getRetriedCount()).isZero();
		assertThat(discarded).containsExactly(1);
	}

	private BoundedSender<Integer> answering(RetryBackoff backoff, Function<List<Integer>, SendResult> answer,
			List<Integer> discarded) {
		this.sender = BoundedSender.<Integer>builder("test", (batch) -> {
			this.requests.add(new Request(List.copyOf(batch), new CompletableFuture<>()));
			return CompletableFuture.completedFuture(answer.apply(batch));
		}).capacity(1000).backoff(backoff).onDiscarded(discarded::addAll).build();
		this.sender.start();
		return this.sender;
	}

	@Test
	void retryAfterOfEpochMillisecondsBacksOffAtMostTheMaxBackoffAndKeepsSending() {
		AtomicInteger sends = new AtomicInteger();
		answering(FAST_BACKOFF, (batch) -> (sends.getAndIncrement() == 0)
				? SendResult.ofStatus(503, "1765000000000") : SendResult.sent(), new ArrayList<>());
		this.sender.offer(1);
		this.sender.offer(2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getSentCount() == 2);
		assertThat(this.sender.getRetriedCount()).isOne();
	}

	@Test
	void itemThatAlwaysFailsIsGivenUpAfterTheMostAttemptsWhileNewerItemsGetThrough() {
		List<Integer> discarded = new CopyOnWriteArrayList<>();
		answering(FAST_BACKOFF.withLimits(3, Duration.ofMinutes(10)),
				(batch) -> batch.contains(0) ? SendResult.ofStatus(500, null) : SendResult.sent(), discarded);
		for (int i = 0; i < 5; i++) {
			this.sender.offer(i);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.sender.getSentCount() == 4 && this.sender.getExpiredByAttemptsCount() == 1);
		assertThat(this.requests.stream().filter((request) -> request.items.contains(0))).hasSize(3);
		assertThat(this.sender.getRetriedCount()).isEqualTo(2);
		assertThat(this.sender.getQueueSize()).isZero();
		assertThat(this.sender.getQueuedBytes()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> discarded.equals(List.of(0)));
	}

	@Test
	void itemThatAlwaysFailsIsGivenUpOnceRetriedForTheMaxRetryTime() {
		List<Integer> discarded = new CopyOnWriteArrayList<>();
		answering(FAST_BACKOFF.withLimits(1_000_000, Duration.ofMillis(300)),
				(batch) -> batch.contains(0) ? SendResult.retry("HTTP 503", null) : SendResult.sent(), discarded);
		this.sender.offer(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getExpiredByTimeCount() == 1);
		this.sender.offer(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getSentCount() == 1);
		assertThat(this.sender.getExpiredByAttemptsCount()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> discarded.equals(List.of(0)));
	}

	@Test
	void refusedApiKeyBacksOffInsteadOfSendingEveryItem() {
		answering(new RetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)),
				(batch) -> SendResult.ofStatus(401, null), new ArrayList<>());
		for (int i = 0; i < 10; i++) {
			this.sender.offer(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getFailedCount() == 1);
		this.sender.stop(Duration.ofMillis(300));
		assertThat(this.requests).hasSize(1);
		assertThat(this.sender.getFailedCount()).isOne();
		assertThat(this.sender.getDroppedCount()).isEqualTo(9);
	}

	@Test
	void refusedApiKeyRecoversWhenTheKeyIsAcceptedAgain(CapturedLogs logs) {
		AtomicInteger sends = new AtomicInteger();
		answering(FAST_BACKOFF,
				(batch) -> (sends.getAndIncrement() < 3) ? SendResult.ofStatus(403, null) : SendResult.sent(),
				new ArrayList<>());
		for (int i = 0; i < 10; i++) {
			this.sender.offer(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getSentCount() == 7);
		assertThat(this.sender.getFailedCount()).isEqualTo(3);
		assertThat(logs.count("backs off until the API key is accepted")).isOne();
		assertThat(logs.count("sending recovered")).isOne();
	}

	@Test
	void failureMessagesThatMayCarryAHeaderValueNeverReachTheLog(CapturedLogs logs) {
		this.sender = BoundedSender.<Integer>builder("test", (batch) -> {
			throw new IllegalArgumentException("invalid header value: \"Bearer sk-secret-key\"");
		}).backoff(new RetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30))).build();
		this.sender.start();
		this.sender.offer(1);
		// The WARN follows the count, under the same lock: wait for the line, not the count
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(logs.toString()).contains("sending failed (IllegalArgumentException)"));
		assertThat(this.sender.getRetriedCount()).isOne();
		assertThat(logs.toString()).doesNotContain("sk-secret");
	}

	@Test
	void batchesAreBoundedByCountAndByEstimatedBytes() throws Exception {
		this.sender = builder().capacity(100).maxQueuedBytes(10_000, (item) -> item).maxBatch(3, 100).build();
		for (int item : new int[] { 10, 20, 30, 40, 90, 5, 500, 1, 2 }) {
			this.sender.offer(item);
		}
		this.sender.start();
		List<List<Integer>> batches = new ArrayList<>();
		while (batches.stream().mapToInt(List::size).sum() < 9) {
			Request request = nextRequest();
			batches.add(request.items);
			request.result.complete(SendResult.sent());
		}
		assertThat(batches).containsExactly(List.of(10, 20, 30), List.of(40), List.of(90, 5), List.of(500),
				List.of(1, 2));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.getQueuedBytes() == 0);
	}

	@Test
	void fullQueueDropsAndCountsWithoutBlocking() {
		start(builder().capacity(10));
		int accepted = 0;
		for (int i = 0; i < 1000; i++) {
			accepted += this.sender.offer(i) ? 1 : 0;
		}
		// One in flight at most, ten waiting
		assertThat(accepted).isBetween(10, 11);
		assertThat(this.sender.getDroppedCount()).isEqualTo(1000 - accepted);
	}

	@Test
	void stopCancelsRequestsUnderWayAfterTheFlushTimeoutAndCountsEverythingLeftAsDropped() {
		start(builder().capacity(100).maxInFlight(2));
		for (int i = 0; i < 10; i++) {
			this.sender.offer(i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.requests.size() == 2);
		this.sender.stop(Duration.ofMillis(100));
		assertThat(this.sender.getDroppedCount()).isEqualTo(10);
		assertThat(this.sender.getInFlightCount()).isZero();
		assertThat(this.sender.offer(11)).isFalse();
	}

	private record Request(List<Integer> items, CompletableFuture<SendResult> result) {
	}

}
