package com.fallom.sync;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a background sync has done so far, for health checks and the actuator endpoint.
 *
 * @param lastAttempt when the last sync started, or {@code null} before the first
 * @param lastSuccess when the backend last answered with a body or "not modified"
 * @param lastFailure when a sync last failed
 * @param lastFailureReason why it failed (never contains the API key)
 * @param consecutiveFailures failures since the last success
 * @param successes successful syncs so far
 * @param failures failed syncs so far
 */
public record SyncStatus(@Nullable Instant lastAttempt, @Nullable Instant lastSuccess, @Nullable Instant lastFailure,
		@Nullable String lastFailureReason, int consecutiveFailures, long successes, long failures) {

	/** The status before any sync. */
	public static final SyncStatus NEVER = new SyncStatus(null, null, null, null, 0, 0, 0);

	/**
	 * Whether the backend has answered at least once.
	 * @return whether a sync succeeded
	 */
	public boolean hasSucceeded() {
		return this.lastSuccess != null;
	}

}
