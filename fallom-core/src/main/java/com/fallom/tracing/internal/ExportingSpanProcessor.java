package com.fallom.tracing.internal;

import java.time.Duration;

import com.fallom.internal.QueueStatistics;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * A span processor that sends Fallom's ended spans to the backend through a bounded
 * queue, in one wire format (OTLP or trace records), with the lifecycle and counters of
 * every Fallom queue. Internal API.
 */
public interface ExportingSpanProcessor extends SpanProcessor, QueueStatistics {

	/**
	 * Start sending.
	 */
	void start();

	/**
	 * Send what is queued within the given time, then end the sending thread; spans keep
	 * queueing and are sent on {@link #start()} or flushed at shutdown.
	 * @param flushTimeout the longest the flush may take
	 */
	void pause(Duration flushTimeout);

	/**
	 * Stop accepting spans and start flushing, without waiting.
	 */
	void beginShutdown();

	/**
	 * Return the estimated bytes waiting to be sent.
	 * @return the queued bytes
	 */
	long getQueuedBytes();

	/**
	 * Return the number of spans the backend accepted.
	 * @return the exported count
	 */
	long getExportedCount();

	@Override
	default String getQueueName() {
		return "spans";
	}

	@Override
	default long getSentCount() {
		return getExportedCount();
	}

}
