package com.fallom.sync;

import java.time.Duration;

/**
 * Told of every sync that a {@link BackgroundSync} runs, on the syncing thread: keep it
 * cheap and never throw. Used for metrics.
 */
@FunctionalInterface
public interface SyncListener {

	/**
	 * Called after a sync.
	 * @param outcome how the sync ended
	 * @param duration how long it took
	 */
	void onSync(SyncOutcome outcome, Duration duration);

}
