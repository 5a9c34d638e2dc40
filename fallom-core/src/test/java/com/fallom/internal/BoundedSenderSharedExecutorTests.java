package com.fallom.internal;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BoundedSender}s that share one executor, as the engine's senders
 * share the HTTP client's thread: no thread each, a pump only on a change.
 */
class BoundedSenderSharedExecutorTests {

	private final CountingExecutor executor = new CountingExecutor();

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void sendersSharingOneExecutorSendEverythingRetriesIncludedWithoutAThreadOfTheirOwn() {
		AtomicInteger sessionsAttempts = new AtomicInteger();
		Queue<Integer> sessions = new ConcurrentLinkedQueue<>();
		Queue<Integer> records = new ConcurrentLinkedQueue<>();
		// The first three sends of one fail: its retries come from a timer on the shared thread
		BoundedSender<Integer> failingFirst = BoundedSender.<Integer>builder("shared-sessions", (batch) -> {
			if (sessionsAttempts.incrementAndGet() <= 3) {
				return CompletableFuture.completedFuture(SendResult.retry("HTTP 503", null));
			}
			sessions.addAll(batch);
			return CompletableFuture.supplyAsync(SendResult::sent, this.executor);
		}).capacity(1000).maxInFlight(4).backoff(new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(50)))
			.executor(this.executor)
			.build();
		BoundedSender<Integer> other = BoundedSender.<Integer>builder("shared-records", (batch) -> {
			records.addAll(batch);
			return CompletableFuture.supplyAsync(SendResult::sent, this.executor);
		}).capacity(1000).maxInFlight(8).executor(this.executor).build();
		failingFirst.start();
		other.start();
		for (int i = 0; i < 200; i++) {
			failingFirst.offer(i);
			other.offer(i);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> failingFirst.getSentCount() == 200 && other.getSentCount() == 200);
		assertThat(sessions).containsExactlyInAnyOrderElementsOf(range(200));
		assertThat(records).containsExactlyInAnyOrderElementsOf(range(200));
		assertThat(failingFirst.getRetriedCount()).isEqualTo(3);
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.getName().startsWith("fallom-shared"));
		failingFirst.stop(Duration.ofSeconds(1));
		other.stop(Duration.ofSeconds(1));
		assertThat(this.executor.isShutdown()).as("a shared executor outlives its senders").isFalse();
	}

	@Test
	void offersScheduleAPumpOnlyWhenNoneIsPendingAndTheSenderCanSend() {
		Queue<CompletableFuture<SendResult>> answers = new ConcurrentLinkedQueue<>();
		BoundedSender<Integer> sender = BoundedSender.<Integer>builder("shared-busy", (batch) -> {
			CompletableFuture<SendResult> answer = new CompletableFuture<>();
			answers.add(answer);
			return answer;
		}).capacity(10_000).maxInFlight(2).executor(this.executor).build();
		sender.start();
		await().until(() -> this.executor.getCompletedTaskCount() == this.executor.executed.get());
		int before = this.executor.executed.get();
		// The two requests in flight never answer: 5,000 offers queue without a task each
		for (int i = 0; i < 5000; i++) {
			sender.offer(i);
		}
		await().until(() -> answers.size() == 2);
		// A pump per item offered to a queue the pump had emptied, until the requests in
		// flight reach the limit: at most the limit plus one, not one per offer
		assertThat(this.executor.executed.get() - before).isLessThanOrEqualTo(3);
		// A send completing pumps the next item
		answers.poll().complete(SendResult.sent());
		await().until(() -> answers.size() == 2 && sender.getSentCount() == 1);
		assertThat(sender.getQueueSize()).isEqualTo(4997);
		sender.stop(Duration.ofMillis(50));
		assertThat(sender.getDroppedCount()).isEqualTo(4999);
	}

	@Test
	void pauseFlushesOnTheSharedExecutorAndStartResumes() {
		Queue<Integer> sent = new ConcurrentLinkedQueue<>();
		BoundedSender<Integer> sender = BoundedSender.<Integer>builder("shared-pause", (batch) -> {
			sent.addAll(batch);
			return CompletableFuture.supplyAsync(SendResult::sent, this.executor);
		}).capacity(1000).maxInFlight(4).executor(this.executor).build();
		sender.start();
		for (int i = 0; i < 50; i++) {
			sender.offer(i);
		}
		sender.pause(Duration.ofSeconds(5));
		assertThat(sent).hasSize(50);
		int tasks = this.executor.executed.get();
		for (int i = 50; i < 60; i++) {
			sender.offer(i);
		}
		assertThat(this.executor.executed.get()).as("no pump while paused").isEqualTo(tasks);
		assertThat(sender.getQueueSize()).isEqualTo(10);
		sender.start();
		await().until(() -> sent.size() == 60);
		sender.stop(Duration.ofSeconds(1));
		assertThat(sender.getDroppedCount()).isZero();
	}

	private static List<Integer> range(int count) {
		return java.util.stream.IntStream.range(0, count).boxed().toList();
	}

	/** One thread, as the HTTP client's, counting the tasks it is given. */
	static final class CountingExecutor extends ScheduledThreadPoolExecutor {

		final AtomicInteger executed = new AtomicInteger();

		CountingExecutor() {
			super(1, new DaemonThreadFactory("shared-test"));
		}

		@Override
		public void execute(Runnable command) {
			this.executed.incrementAndGet();
			super.execute(command);
		}

	}

}
