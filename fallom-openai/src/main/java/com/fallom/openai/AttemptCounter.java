package com.fallom.openai;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.openai.core.Sleeper;

/**
 * Counts the attempts of one SDK call: the SDK's retry loop sleeps through its
 * {@link Sleeper} once before each retry, on whichever thread runs it, so one counter per
 * call (installed with {@code withOptions}) counts that call's retries, sync or async.
 * It waits as the SDK's default sleeper does, without a timer thread of its own: async
 * waits run on the JDK's shared delayed executor.
 */
final class AttemptCounter implements Sleeper {

	private final AtomicInteger retries = new AtomicInteger();

	int attempts() {
		return 1 + this.retries.get();
	}

	@Override
	public void sleep(Duration duration) {
		this.retries.incrementAndGet();
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			// As the SDK's own sleeper: the interruption reaches the caller
			Thread.currentThread().interrupt();
			throw AttemptCounter.<RuntimeException>sneaky(ex);
		}
	}

	@Override
	public CompletableFuture<Void> sleepAsync(Duration duration) {
		this.retries.incrementAndGet();
		CompletableFuture<Void> done = new CompletableFuture<>();
		CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS).execute(() -> done.complete(null));
		return done;
	}

	@Override
	public void close() {
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

}
