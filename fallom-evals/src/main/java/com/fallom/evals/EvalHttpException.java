package com.fallom.evals;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP call of an eval (judge, candidate, Fallom app) answered with an error status.
 * 429 and 5xx are retried, honouring {@link #retryAfter()}. The message never holds a key.
 */
public class EvalHttpException extends RuntimeException {

	private final int status;

	private final @Nullable Duration retryAfter;

	/**
	 * Create an exception.
	 * @param message the message
	 * @param status the HTTP status
	 * @param retryAfter the server's {@code Retry-After}, or {@code null}
	 */
	public EvalHttpException(String message, int status, @Nullable Duration retryAfter) {
		super(message);
		this.status = status;
		this.retryAfter = retryAfter;
	}

	/**
	 * Return the HTTP status.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Return how long the server asked to wait before a retry.
	 * @return the wait, or {@code null}
	 */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether a retry may succeed: 429 or a 5xx status.
	 * @return whether to retry
	 */
	public boolean isRetryable() {
		return this.status == 429 || this.status >= 500;
	}

}
