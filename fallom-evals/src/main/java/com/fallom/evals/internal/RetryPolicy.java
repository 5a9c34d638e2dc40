package com.fallom.evals.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When to retry a failed call and how long to wait: up to {@code maxRetries} times,
 * doubling from {@code initialBackoff} with jitter, or the server's {@code Retry-After};
 * never longer than {@code maxBackoff}.
 *
 * @param maxRetries the retries after the first attempt
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait, Retry-After included
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {

	/**
	 * Return the wait before a retry.
	 * @param retry the retry, from 0
	 * @param retryAfter the server's Retry-After, or {@code null}
	 * @param random a number in [0, 1) for the jitter
	 * @return the wait
	 */
	public Duration delay(int retry, @Nullable Duration retryAfter, double random) {
		if (retryAfter != null) {
			return (retryAfter.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : retryAfter;
		}
		long initial = this.initialBackoff.toNanos();
		long exponential = (retry >= 30) ? Long.MAX_VALUE : initial << Math.min(retry, 30);
		long capped = (exponential < 0 || exponential > this.maxBackoff.toNanos()) ? this.maxBackoff.toNanos()
				: exponential;
		// Between half and all of it, so that calls refused together do not come back together
		return Duration.ofNanos(capped / 2 + (long) (random * (capped / 2.0)));
	}

}
