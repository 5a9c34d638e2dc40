package com.fallom.sync;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a sync asked for on demand (the actuator's refresh) went: see
 * {@link BackgroundSync#requestSync()}.
 *
 * @param result what happened
 * @param backoffUntil when the back-off in force ends, or {@code null} when none is
 */
public record OnDemandSync(Result result, @Nullable Instant backoffUntil) {

	/**
	 * What happened to a sync asked for on demand.
	 */
	public enum Result {

		/** The sync ran and the backend answered with a body or "not modified". */
		SUCCEEDED,

		/** The sync ran and failed; a refusal starts a back-off. */
		FAILED,

		/** Not run: a sync was already running. */
		IN_PROGRESS,

		/** Not run: the backend refused the last sync and its back-off has not ended. */
		BACKING_OFF

	}

}
