package com.fallom.models;

import java.time.Duration;

/**
 * Told of every config sync that {@link ConfigRefresher} runs, on the syncing thread: keep
 * it cheap and never throw. Used for metrics.
 */
@FunctionalInterface
public interface ConfigSyncListener {

	/**
	 * Called after a sync.
	 * @param outcome how the sync ended
	 * @param duration how long it took
	 */
	void onSync(SyncOutcome outcome, Duration duration);

}
