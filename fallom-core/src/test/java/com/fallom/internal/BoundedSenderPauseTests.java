package com.fallom.internal;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BoundedSender#pause(Duration)}: a pause flushes and ends the thread
 * without giving anything up; {@link BoundedSender#start()} resumes.
 */
class BoundedSenderPauseTests {

	private final BlockingQueue<CompletableFuture<SendResult>> answers = new LinkedBlockingQueue<>();

	private BoundedSender<Integer> sender() {
		return BoundedSender.<Integer>builder("pause-test", (batch) -> {
			CompletableFuture<SendResult> answer = new CompletableFuture<>();
			this.answers.add(answer);
			return answer;
		}).capacity(100).build();
	}

	private static boolean senderThreadAlive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.isAlive() && thread.getName().startsWith("fallom-pause-test"));
	}

	@Test
	void pauseEndsTheThreadKeepsWhatIsLeftAndStartSendsIt() throws Exception {
		BoundedSender<Integer> sender = sender();
		sender.start();
		sender.offer(1);
		CompletableFuture<SendResult> first = this.answers.poll(10, TimeUnit.SECONDS);
		assertThat(first).isNotNull();
		// The backend does not answer within the pause's flush time
		sender.pause(Duration.ofMillis(50));
		assertThat(senderThreadAlive()).isFalse();
		assertThat(sender.offer(2)).as("queues while paused").isTrue();
		first.complete(SendResult.sent());
		assertThat(this.answers).isEmpty();
		sender.start();
		this.answers.poll(10, TimeUnit.SECONDS).complete(SendResult.sent());
		await().until(() -> sender.getSentCount() == 2);
		assertThat(sender.getDroppedCount()).isZero();
		sender.stop(Duration.ofMillis(100));
	}

	@Test
	void stopAfterPauseFlushesWhatQueuedMeanwhile() throws Exception {
		BoundedSender<Integer> sender = sender();
		sender.start();
		sender.pause(Duration.ofMillis(50));
		sender.offer(1);
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> sender.stop(Duration.ofSeconds(10)));
		this.answers.poll(10, TimeUnit.SECONDS).complete(SendResult.sent());
		stopped.get(10, TimeUnit.SECONDS);
		assertThat(sender.getSentCount()).isOne();
		assertThat(sender.getDroppedCount()).isZero();
		assertThat(sender.offer(2)).as("closed after stop").isFalse();
	}

}
