package com.fallom.tracing.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import com.fallom.internal.BoundedSender;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Exports ended spans from one daemon thread through a queue bounded by span count and
 * by estimated bytes (spans with prompts and completions can be large). Overflow drops
 * and counts; the thread sends what is queued in batches as soon as it can. Never
 * registered as a bean: it belongs to Fallom's private tracer provider only. Internal
 * API.
 */
public final class BoundedExportSpanProcessor implements SpanProcessor {

	/** Fixed cost of a span in the estimate: ids, times, name, status, a few attributes. */
	private static final long SPAN_OVERHEAD_BYTES = 256;

	private final BoundedSender<SpanData> sender;

	private final SpanExporter exporter;

	private final Duration shutdownTimeout;

	/**
	 * Create a processor; nothing is exported until {@link #start()}.
	 * @param exporter the exporter
	 * @param queueCapacity the most spans waiting
	 * @param maxQueuedBytes the most estimated bytes of spans waiting
	 * @param batchSize the most spans exported at once
	 * @param exportTimeout the longest one export may take
	 * @param shutdownTimeout the longest shutdown flushes
	 */
	public BoundedExportSpanProcessor(SpanExporter exporter, int queueCapacity, long maxQueuedBytes, int batchSize,
			Duration exportTimeout, Duration shutdownTimeout) {
		this.exporter = exporter;
		this.shutdownTimeout = shutdownTimeout;
		long timeoutMillis = Math.max(1, exportTimeout.toMillis());
		this.sender = new BoundedSender<>("spans", queueCapacity, maxQueuedBytes,
				BoundedExportSpanProcessor::estimateBytes, batchSize, (batch) -> export(batch, timeoutMillis));
	}

	private void export(List<SpanData> batch, long timeoutMillis) {
		CompletableResultCode result = this.exporter.export(batch).join(timeoutMillis, TimeUnit.MILLISECONDS);
		if (!result.isSuccess()) {
			throw new IllegalStateException(
					result.isDone() ? "export of " + batch.size() + " span(s) failed" : "export timed out");
		}
	}

	/**
	 * Estimate the heap a span holds while queued.
	 * @param span the span
	 * @return the estimated bytes
	 */
	static long estimateBytes(SpanData span) {
		SizeEstimate estimate = new SizeEstimate();
		span.getAttributes().forEach(estimate);
		return SPAN_OVERHEAD_BYTES + estimate.bytes;
	}

	/**
	 * Start the export thread.
	 */
	public void start() {
		this.sender.start();
	}

	@Override
	public void onStart(Context parentContext, ReadWriteSpan span) {
	}

	@Override
	public boolean isStartRequired() {
		return false;
	}

	@Override
	public void onEnd(ReadableSpan span) {
		this.sender.offer(span.toSpanData());
	}

	@Override
	public boolean isEndRequired() {
		return true;
	}

	@Override
	public CompletableResultCode shutdown() {
		this.sender.stop(this.shutdownTimeout);
		return this.exporter.shutdown();
	}

	/**
	 * Return the number of spans waiting.
	 * @return the queue size
	 */
	public int getQueueSize() {
		return this.sender.getQueueSize();
	}

	/**
	 * Return the estimated bytes of the spans waiting.
	 * @return the queued bytes
	 */
	public long getQueuedBytes() {
		return this.sender.getQueuedBytes();
	}

	/**
	 * Return the number of spans dropped because the queue was full or the shutdown flush
	 * ran out of time.
	 * @return the dropped count
	 */
	public long getDroppedCount() {
		return this.sender.getDroppedCount();
	}

	/**
	 * Return the number of spans the backend accepted.
	 * @return the exported count
	 */
	public long getExportedCount() {
		return this.sender.getSentCount();
	}

	/**
	 * Return the number of spans whose export failed.
	 * @return the failed count
	 */
	public long getFailedCount() {
		return this.sender.getFailedCount();
	}

	private static final class SizeEstimate implements BiConsumer<AttributeKey<?>, Object> {

		private long bytes;

		@Override
		public void accept(AttributeKey<?> key, Object value) {
			this.bytes += 16 + key.getKey().length() + ((value instanceof String text) ? text.length() : 8);
		}

	}

}
