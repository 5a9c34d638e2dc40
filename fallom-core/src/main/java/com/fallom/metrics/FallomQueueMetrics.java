package com.fallom.metrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.spool.Spool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the state of Fallom's send queues (session records, custom metrics, spans), each
 * tagged by {@code queue}: {@code fallom.queue.size} and the counters
 * {@code fallom.queue.dropped}, {@code fallom.queue.sent}, {@code fallom.queue.failed},
 * {@code fallom.queue.retried} and {@code fallom.queue.expired} (tagged by {@code reason}:
 * {@code max-attempts} or {@code max-retry-time}). A queue with a delivery spool also has
 * {@code fallom.queue.spooled}, {@code fallom.queue.replayed},
 * {@code fallom.queue.spool.dropped} (tagged by {@code reason}: {@code too-old},
 * {@code spool-full} or {@code corrupt}) and the gauges {@code fallom.queue.spool.size}
 * (bytes) and {@code fallom.queue.spool.oldest} (seconds).
 */
public class FallomQueueMetrics implements MeterBinder {

	private final List<QueueStatistics> queues;

	/**
	 * Create a binder.
	 * @param queues the send queues
	 */
	public FallomQueueMetrics(List<? extends QueueStatistics> queues) {
		this.queues = List.copyOf(queues);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (QueueStatistics queue : this.queues) {
			String name = queue.getQueueName();
			Gauge.builder("fallom.queue.size", queue, QueueStatistics::getQueueSize)
				.description("Items waiting in a Fallom send queue")
				.tag("queue", name)
				.register(registry);
			FunctionCounter.builder("fallom.queue.dropped", queue, QueueStatistics::getDroppedCount)
				.description("Items a Fallom send queue dropped because it was full or shutdown ran out of time")
				.tag("queue", name)
				.register(registry);
			FunctionCounter.builder("fallom.queue.sent", queue, QueueStatistics::getSentCount)
				.description("Items of a Fallom send queue that the backend accepted")
				.tag("queue", name)
				.register(registry);
			FunctionCounter.builder("fallom.queue.failed", queue, QueueStatistics::getFailedCount)
				.description("Items of a Fallom send queue that the backend refused for good")
				.tag("queue", name)
				.register(registry);
			FunctionCounter.builder("fallom.queue.retried", queue, QueueStatistics::getRetriedCount)
				.description("Sends of a Fallom send queue that failed and were kept for a retry")
				.tag("queue", name)
				.register(registry);
			FunctionCounter.builder("fallom.queue.expired", queue, QueueStatistics::getExpiredByAttemptsCount)
				.description("Items of a Fallom send queue given up after failing the most attempts")
				.tag("queue", name)
				.tag("reason", "max-attempts")
				.register(registry);
			FunctionCounter.builder("fallom.queue.expired", queue, QueueStatistics::getExpiredByTimeCount)
				.description("Items of a Fallom send queue given up once retried for the longest retry time")
				.tag("queue", name)
				.tag("reason", "max-retry-time")
				.register(registry);
			Spool<?> spool = queue.getSpool();
			if (spool != null) {
				bindSpool(registry, name, spool);
			}
		}
	}

	private static void bindSpool(MeterRegistry registry, String name, Spool<?> spool) {
		FunctionCounter.builder("fallom.queue.spooled", spool, Spool::getSpooledCount)
			.description("Items of a Fallom send queue written to the delivery spool")
			.tag("queue", name)
			.register(registry);
		FunctionCounter.builder("fallom.queue.replayed", spool, Spool::getReplayedCount)
			.description("Items of a Fallom send queue read back from the delivery spool to be sent")
			.tag("queue", name)
			.register(registry);
		spoolDropped(registry, name, spool, "too-old", Spool::getDroppedTooOldCount,
				"Items the delivery spool dropped because they were older than its max age");
		spoolDropped(registry, name, spool, "spool-full", Spool::getDroppedFullCount,
				"Items the delivery spool dropped because it (or the disk) was full");
		spoolDropped(registry, name, spool, "corrupt", Spool::getCorruptCount,
				"Corrupt or torn items the delivery spool skipped");
		Gauge.builder("fallom.queue.spool.size", spool, Spool::getBytes)
			.description("Bytes of a Fallom send queue's items on disk")
			.baseUnit("bytes")
			.tag("queue", name)
			.register(registry);
		Gauge.builder("fallom.queue.spool.oldest", spool, FallomQueueMetrics::oldestAgeSeconds)
			.description("Age of the oldest item of a Fallom send queue on disk, 0 when none")
			.baseUnit("seconds")
			.tag("queue", name)
			.register(registry);
	}

	private static void spoolDropped(MeterRegistry registry, String name, Spool<?> spool, String reason,
			ToDoubleFunction<Spool<?>> count, String description) {
		FunctionCounter.builder("fallom.queue.spool.dropped", spool, count)
			.description(description)
			.tag("queue", name)
			.tag("reason", reason)
			.register(registry);
	}

	static double oldestAgeSeconds(Spool<?> spool) {
		long oldest = spool.getOldestMillis();
		return (oldest == 0) ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
	}

}
