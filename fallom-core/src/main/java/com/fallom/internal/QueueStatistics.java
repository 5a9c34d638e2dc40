package com.fallom.internal;

import com.fallom.internal.spool.Spool;
import org.jspecify.annotations.Nullable;

/**
 * What a background send queue has done, for health, the actuator endpoint and metrics.
 * Implemented by every queue of the engine, so that operations code finds them all as
 * beans of this type. Internal API.
 */
public interface QueueStatistics {

	/**
	 * Return the queue's name, used as the {@code queue} metric tag: {@code sessions},
	 * {@code metrics} or {@code spans}.
	 * @return the name
	 */
	String getQueueName();

	/**
	 * Return the number of items waiting to be sent.
	 * @return the queue size
	 */
	int getQueueSize();

	/**
	 * Return the number of items dropped because the queue was full or shutdown ran out
	 * of time.
	 * @return the dropped count
	 */
	long getDroppedCount();

	/**
	 * Return the number of items the backend accepted.
	 * @return the sent count
	 */
	long getSentCount();

	/**
	 * Return the number of items the backend refused for good (400, 401, 403 ...); items
	 * whose sending failed for a reason that may pass are retried instead.
	 * @return the failed count
	 */
	long getFailedCount();

	/**
	 * Return how many times an item's send failed (network error, time-out, 408, 429,
	 * 5xx) and the item was kept for a retry.
	 * @return the retried count
	 */
	default long getRetriedCount() {
		return 0;
	}

	/**
	 * Return the number of items given up after failing the most attempts
	 * ({@code fallom.delivery.max-attempts}).
	 * @return the expired count
	 */
	default long getExpiredByAttemptsCount() {
		return 0;
	}

	/**
	 * Return the number of items given up once retried for the longest retry time
	 * ({@code fallom.delivery.max-retry-time}).
	 * @return the expired count
	 */
	default long getExpiredByTimeCount() {
		return 0;
	}

	/**
	 * Return the spool that keeps on disk what this queue cannot send, with its figures.
	 * @return the spool, or {@code null} when undelivered items stay in memory
	 */
	default @Nullable Spool<?> getSpool() {
		return null;
	}

}
