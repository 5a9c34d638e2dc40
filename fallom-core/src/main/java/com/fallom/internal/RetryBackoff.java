package com.fallom.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * The back-off between retries of a {@link BoundedSender}: the initial delay, doubled per
 * consecutive failed round up to the maximum, less up to a fifth at random so that a
 * fleet does not retry in lock-step. Internal API.
 *
 * @param initial the delay after the first failure
 * @param max the longest delay, also the cap of a {@code Retry-After}
 */
public record RetryBackoff(Duration initial, Duration max) {

	/** Half a second, doubling up to 10 s: a backend back after an outage gets its data within 10 s. */
	public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10));

	private static final int MAX_DOUBLINGS = 30;

	public RetryBackoff {
		Arguments.isTrue(initial != null && !initial.isNegative() && !initial.isZero(), "'initial' must be positive");
		Arguments.isTrue(max != null && max.compareTo(initial) >= 0, "'max' must not be less than 'initial'");
	}

	/**
	 * Return the delay before the next try.
	 * @param failures the consecutive failed rounds, at least 1
	 * @param retryAfter how long the backend asked to wait, or {@code null}
	 * @return the delay in nanoseconds
	 */
	long delayNanos(int failures, @Nullable Duration retryAfter) {
		long maxNanos = this.max.toNanos();
		int doublings = Math.min(Math.max(0, failures - 1), MAX_DOUBLINGS);
		long delay = this.initial.toNanos();
		for (int i = 0; i < doublings && delay < maxNanos; i++) {
			delay *= 2;
		}
		delay = Math.min(delay, maxNanos);
		delay -= ThreadLocalRandom.current().nextLong(delay / 5 + 1);
		if (retryAfter != null) {
			delay = Math.max(delay, Math.min(retryAfter.toNanos(), maxNanos));
		}
		return Math.max(1, delay);
	}

}
