package com.fallom.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link BoundedSender} retries: the back-off between retries (the initial delay,
 * doubled per consecutive failed round up to the maximum, less up to a fifth at random so
 * that a fleet does not retry in lock-step), and when it gives an item up: after
 * {@code maxAttempts} failed sends, or once it has been retried for
 * {@code maxRetryTime} since its first send. Internal API.
 *
 * @param initial the delay after the first failure
 * @param max the longest delay, also the cap of a {@code Retry-After}
 * @param maxAttempts the most sends of one item, at least 1
 * @param maxRetryTime the longest time an item is retried, from its first send
 */
public record RetryBackoff(Duration initial, Duration max, int maxAttempts, Duration maxRetryTime) {

	/** Ten sends: with the default back-off, about a minute of a backend that keeps failing. */
	public static final int DEFAULT_MAX_ATTEMPTS = 10;

	/** Ten minutes: what has waited longer is history rather than news. */
	public static final Duration DEFAULT_MAX_RETRY_TIME = Duration.ofMinutes(10);

	/** Half a second, doubling up to 10 s: a backend back after an outage gets its data within 10 s. */
	public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10));

	private static final int MAX_DOUBLINGS = 30;

	/**
	 * The longest delay in nanoseconds, about 146 years: any {@code System.nanoTime()} plus
	 * it stays comparable, so no delay the backend asks for can overflow.
	 */
	private static final long MAX_NANOS = Long.MAX_VALUE / 2;

	public RetryBackoff {
		Arguments.isTrue(initial != null && !initial.isNegative() && !initial.isZero(), "'initial' must be positive");
		Arguments.isTrue(max != null && max.compareTo(initial) >= 0, "'max' must not be less than 'initial'");
		Arguments.isTrue(maxAttempts > 0, "'maxAttempts' must be positive");
		Arguments.isTrue(maxRetryTime != null && !maxRetryTime.isNegative() && !maxRetryTime.isZero(),
				"'maxRetryTime' must be positive");
	}

	/**
	 * Create a back-off with the default limits of attempts and retry time.
	 * @param initial the delay after the first failure
	 * @param max the longest delay, also the cap of a {@code Retry-After}
	 */
	public RetryBackoff(Duration initial, Duration max) {
		this(initial, max, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_TIME);
	}

	/**
	 * Return a copy with other limits of attempts and retry time.
	 * @param maxAttempts the most sends of one item, at least 1
	 * @param maxRetryTime the longest time an item is retried, from its first send
	 * @return the back-off
	 */
	public RetryBackoff withLimits(int maxAttempts, Duration maxRetryTime) {
		return new RetryBackoff(this.initial, this.max, maxAttempts, maxRetryTime);
	}

	/**
	 * Return the delay before the next try. Never throws: a {@code Retry-After} of any
	 * size is capped at the maximum before it is converted.
	 * @param failures the consecutive failed rounds, at least 1
	 * @param retryAfter how long the backend asked to wait, or {@code null}
	 * @return the delay in nanoseconds
	 */
	long delayNanos(int failures, @Nullable Duration retryAfter) {
		long maxNanos = nanos(this.max);
		int doublings = Math.min(Math.max(0, failures - 1), MAX_DOUBLINGS);
		long delay = Math.min(nanos(this.initial), maxNanos);
		for (int i = 0; i < doublings && delay < maxNanos; i++) {
			delay *= 2;
		}
		delay = Math.min(delay, maxNanos);
		delay -= ThreadLocalRandom.current().nextLong(delay / 5 + 1);
		if (retryAfter != null && !retryAfter.isNegative()) {
			delay = Math.max(delay, (retryAfter.compareTo(this.max) >= 0) ? maxNanos : nanos(retryAfter));
		}
		return Math.max(1, delay);
	}

	/**
	 * Return the most retry time in nanoseconds.
	 * @return the nanoseconds, at most about 146 years
	 */
	long maxRetryTimeNanos() {
		return nanos(this.maxRetryTime);
	}

	private static long nanos(Duration duration) {
		return (duration.getSeconds() >= MAX_NANOS / 1_000_000_000L) ? MAX_NANOS : duration.toNanos();
	}

}
