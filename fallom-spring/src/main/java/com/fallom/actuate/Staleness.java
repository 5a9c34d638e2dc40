package com.fallom.actuate;

import java.time.Clock;
import java.time.Duration;

import com.fallom.models.ConfigRefresher;
import com.fallom.sync.SyncStatus;
import org.jspecify.annotations.Nullable;

/**
 * Decides when served configs and prompts count as stale, the same way for health and the
 * endpoint.
 */
final class Staleness {

	/** Syncs that may be missed before the configs count as stale. */
	static final int MISSED_SYNCS = 3;

	private Staleness() {
	}

	/**
	 * An offline process is never stale: bootstrap configs are all it will ever have. An
	 * online one is stale when the backend has failed and has not answered within
	 * {@link #MISSED_SYNCS} refresh intervals (or never answered at all).
	 */
	static boolean isStale(@Nullable ConfigRefresher refresher, Clock clock) {
		if (refresher == null) {
			return false;
		}
		return isStale(refresher.getStatus(), refresher.getRefreshInterval(), clock);
	}

	/**
	 * A sync is stale when it has failed and has not succeeded within
	 * {@link #MISSED_SYNCS} refresh intervals (or never succeeded at all).
	 */
	static boolean isStale(SyncStatus status, Duration refreshInterval, Clock clock) {
		if (status.lastSuccess() == null) {
			return status.failures() > 0;
		}
		Duration limit = refreshInterval.multipliedBy(MISSED_SYNCS);
		return Duration.between(status.lastSuccess(), clock.instant()).compareTo(limit) > 0;
	}

}
