package com.fallom.openai;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.openai.core.Sleeper;

/**
 * Counts the attempts of one SDK call: the SDK's retry loop sleeps through its
 * {@link Sleeper} once before each retry. A blocking call retries on the caller's thread,
 * so one {@link #THREAD_ATTRIBUTED shared sleeper}, installed once per service, counts
 * for the call running on the thread; an async call retries on the HTTP client's threads,
 * so it gets a counter of its own, installed with {@code withOptions} for that call. Both
 * wait as the SDK's default sleeper does, without a timer thread of their own: async
 * waits run on the JDK's shared delayed executor.
 */
final class AttemptCounter implements Sleeper {

	/** The sleeper of blocking calls: counts for the call of the sleeping thread. */
	static final Sleeper THREAD_ATTRIBUTED = new ThreadAttributed();

	private static final ThreadLocal<AttemptCounter> current = new ThreadLocal<>();

	private final AtomicInteger retries = new AtomicInteger();

	int attempts() {
		return 1 + this.retries.get();
	}

	/**
	 * Make this the counter of the blocking call on this thread.
	 * @return the previous one, to {@link #restore(AttemptCounter)}
	 */
	AttemptCounter enter() {
		AttemptCounter previous = current.get();
		current.set(this);
		return previous;
	}

	static void restore(AttemptCounter previous) {
		if (previous != null) {
			current.set(previous);
		}
		else {
			current.remove();
		}
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

	private static final class ThreadAttributed implements Sleeper {

		@Override
		public void sleep(Duration duration) {
			AttemptCounter counter = current.get();
			if (counter != null) {
				counter.sleep(duration);
			}
			else {
				new AttemptCounter().sleep(duration);
			}
		}

		@Override
		public CompletableFuture<Void> sleepAsync(Duration duration) {
			return new AttemptCounter().sleepAsync(duration);
		}

		@Override
		public void close() {
		}

	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

}
