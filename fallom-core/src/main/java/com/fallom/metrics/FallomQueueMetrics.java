package com.fallom.metrics;

import java.util.List;

import com.fallom.internal.QueueStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the state of Fallom's send queues (session records, custom metrics, spans), each
 * tagged by {@code queue}: {@code fallom.queue.size} and the counters
 * {@code fallom.queue.dropped}, {@code fallom.queue.sent}, {@code fallom.queue.failed},
 * {@code fallom.queue.retried} and {@code fallom.queue.expired} (tagged by {@code reason}:
 * {@code max-attempts} or {@code max-retry-time}).
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
		}
	}

}
