package com.fallom.tracing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import com.fallom.internal.BoundedSender;
import com.fallom.internal.Failures;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.SendResult;
import com.fallom.internal.spool.Spool;
import com.fallom.internal.spool.SpoolCodec;
import com.fallom.internal.spool.SpoolDirectory;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;

/**
 * Exports ended spans through a queue bounded by span count and by estimated bytes
 * (spans with prompts and completions can be large), pumped on the HTTP client's thread
 * in the engine (a daemon thread of its own otherwise). Overflow drops and counts; what is
 * queued is sent in batches as soon as it can, each batch
 * bounded by count and by estimated bytes, so that a burst of large spans becomes several
 * requests rather than one the backend refuses as a whole. A failed export (network error,
 * time-out, 408, 429, 5xx) is retried with back-off, before newer spans, until it is
 * delivered, the queue overflows, or the back-off's most attempts or retry time have
 * passed (then counted as expired); a request the backend refuses for good (400, 401, 403
 * ...) is dropped and counted as failed, and a refused API key (401, 403) also backs
 * off. Never registered as a bean: it belongs to
 * Fallom's private tracer provider only. Internal API.
 * <p>
 * With the delivery spool (and the {@link OtlpHttpExporter}), spans the queue cannot hold
 * or send go to disk as {@link BoundedSender} decides, each as an OTLP
 * {@code ExportTraceServiceRequest} of its own in the {@value #SPOOL_STREAM} stream, and
 * are read back as those bytes: a replayed span is never decoded, its bytes are appended
 * to the request of the batch it is sent with, bounded by the batch's bytes like any
 * other span.
 * <p>
 * OpenTelemetry's own {@code BatchSpanProcessor} with the exporter's retry policy does
 * not do: the policy retries at most five times within seconds and never on a plain 500,
 * so spans of an outage of a minute are lost, and the batch processor bounds neither the
 * queued bytes nor the bytes of one request.
 */
public final class BoundedExportSpanProcessor implements ExportingSpanProcessor {

	/** Fixed cost of a span in the estimate: ids, times, name, status, a few attributes. */
	private static final long SPAN_OVERHEAD_BYTES = 256;

	/** Time allowed beyond the export timeout before an exporter that never answers is given up. */
	private static final long EXPORT_TIMEOUT_MARGIN_MILLIS = 1000;

	/** The spool stream of OTLP spans, apart from the JSON trace records of the other protocol. */
	static final String SPOOL_STREAM = "otlp";

	/** A span on disk is an OTLP export request of that one span. */
	static final SpoolCodec<QueuedSpan> CODEC = new SpoolCodec<>() {

		@Override
		public byte[] encode(QueuedSpan item) {
			if (item instanceof Spooled spooled) {
				return spooled.request();
			}
			try {
				return OtlpHttpExporter.encode(List.of(((Ended) item).span()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public QueuedSpan decode(byte[] bytes) throws IOException {
			if (!OtlpHttpExporter.isEncodedRequest(bytes)) {
				throw new IOException("not an OTLP export request");
			}
			return new Spooled(bytes);
		}

	};

	private final BoundedSender<QueuedSpan> sender;

	private final SpanExporter exporter;

	private final Duration shutdownTimeout;

	private final @Nullable ScheduledExecutorService executor;

	/**
	 * Create a processor with one export at a time and the default back-off, exports
	 * bounded by count only; nothing is exported until {@link #start()}.
	 * @param exporter the exporter
	 * @param queueCapacity the most spans waiting
	 * @param maxQueuedBytes the most estimated bytes of spans waiting
	 * @param batchSize the most spans exported at once
	 * @param exportTimeout the longest one export may take
	 * @param shutdownTimeout the longest shutdown flushes
	 */
	public BoundedExportSpanProcessor(SpanExporter exporter, int queueCapacity, long maxQueuedBytes, int batchSize,
			Duration exportTimeout, Duration shutdownTimeout) {
		this(exporter, queueCapacity, maxQueuedBytes, batchSize, Long.MAX_VALUE, 1, RetryBackoff.DEFAULT,
				exportTimeout, shutdownTimeout, null);
	}

	/**
	 * Create a processor; nothing is exported until {@link #start()}.
	 * @param exporter the exporter
	 * @param queueCapacity the most spans waiting
	 * @param maxQueuedBytes the most estimated bytes of spans waiting
	 * @param batchSize the most spans exported at once
	 * @param maxBatchBytes the most estimated bytes exported at once (a bigger span goes alone)
	 * @param maxInFlight the most exports under way at once
	 * @param backoff the back-off between retries
	 * @param exportTimeout the longest one export may take
	 * @param shutdownTimeout the longest shutdown flushes
	 * @param executor where exports are started and given up when they never answer,
	 * shared with other senders (the HTTP client's thread), or {@code null} for a thread of
	 * the processor's own
	 */
	public BoundedExportSpanProcessor(SpanExporter exporter, int queueCapacity, long maxQueuedBytes, int batchSize,
			long maxBatchBytes, int maxInFlight, RetryBackoff backoff, Duration exportTimeout,
			Duration shutdownTimeout, @Nullable ScheduledExecutorService executor) {
		this(exporter, queueCapacity, maxQueuedBytes, batchSize, maxBatchBytes, maxInFlight, backoff, exportTimeout,
				shutdownTimeout, executor, (Spool<QueuedSpan>) null);
	}

	/**
	 * Create a processor of Fallom's OTLP exporter that keeps what it cannot send in a
	 * spool; nothing is exported until {@link #start()}.
	 * @param exporter the exporter
	 * @param queueCapacity the most spans waiting
	 * @param maxQueuedBytes the most estimated bytes of spans waiting
	 * @param batchSize the most spans exported at once
	 * @param maxBatchBytes the most estimated bytes exported at once (a bigger span goes alone)
	 * @param maxInFlight the most exports under way at once
	 * @param backoff the back-off between retries
	 * @param exportTimeout the longest one export may take
	 * @param shutdownTimeout the longest shutdown flushes
	 * @param executor where exports are started and given up when they never answer,
	 * shared with other senders (the HTTP client's thread), or {@code null} for a thread of
	 * the processor's own
	 * @param spool the spool, or {@code null} for memory only
	 */
	public BoundedExportSpanProcessor(OtlpHttpExporter exporter, int queueCapacity, long maxQueuedBytes,
			int batchSize, long maxBatchBytes, int maxInFlight, RetryBackoff backoff, Duration exportTimeout,
			Duration shutdownTimeout, @Nullable ScheduledExecutorService executor, @Nullable SpoolDirectory spool) {
		this(exporter, queueCapacity, maxQueuedBytes, batchSize, maxBatchBytes, maxInFlight, backoff, exportTimeout,
				shutdownTimeout, executor, (spool != null) ? spool.stream(SPOOL_STREAM, CODEC) : null);
	}

	private BoundedExportSpanProcessor(SpanExporter exporter, int queueCapacity, long maxQueuedBytes, int batchSize,
			long maxBatchBytes, int maxInFlight, RetryBackoff backoff, Duration exportTimeout,
			Duration shutdownTimeout, @Nullable ScheduledExecutorService executor,
			@Nullable Spool<QueuedSpan> spool) {
		this.exporter = exporter;
		this.executor = executor;
		this.shutdownTimeout = shutdownTimeout;
		long timeoutMillis = Math.max(1, exportTimeout.toMillis()) + EXPORT_TIMEOUT_MARGIN_MILLIS;
		this.sender = BoundedSender.<QueuedSpan>builder("spans", (batch) -> export(batch, timeoutMillis))
			.capacity(queueCapacity)
			.maxQueuedBytes(maxQueuedBytes, QueuedSpan::estimateBytes)
			.maxBatch(batchSize, maxBatchBytes)
			.maxInFlight(maxInFlight)
			.backoff(backoff)
			.executor(executor)
			.spool(spool)
			.build();
	}

	private CompletableFuture<SendResult> export(List<QueuedSpan> batch, long timeoutMillis) {
		CompletableFuture<SendResult> future = new CompletableFuture<>();
		List<SpanData> spans = new ArrayList<>(batch.size());
		List<byte[]> spooled = new ArrayList<>();
		for (QueuedSpan item : batch) {
			if (item instanceof Ended ended) {
				spans.add(ended.span());
			}
			else {
				spooled.add(((Spooled) item).request());
			}
		}
		// Only the OTLP exporter is given a spool, so only it meets spans read back from one
		CompletableResultCode result = spooled.isEmpty() ? this.exporter.export(spans)
				: ((OtlpHttpExporter) this.exporter).export(spans, spooled);
		result.whenComplete(() -> future.complete(toSendResult(result)));
		// An exporter that never answers must not hold a slot for ever
		ScheduledExecutorService executor = this.executor;
		if (executor == null) {
			return future.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		ScheduledFuture<?> deadline = executor.schedule(() -> future.completeExceptionally(new TimeoutException()),
				timeoutMillis, TimeUnit.MILLISECONDS);
		future.whenComplete((sent, failure) -> deadline.cancel(false));
		return future;
	}

	static SendResult toSendResult(CompletableResultCode result) {
		if (result.isSuccess()) {
			return SendResult.sent();
		}
		Throwable failure = result.getFailureThrowable();
		if (failure instanceof OtlpHttpExporter.HttpStatusException http) {
			return SendResult.ofStatus(http.status(), http.retryAfter());
		}
		Integer status = ExportFailures.statusOf(failure);
		if (status != null) {
			return SendResult.ofStatus(status, null);
		}
		// Never the message: it may quote a header value, the API key included
		return SendResult.retry((failure != null) ? Failures.describe(failure) : "export failed", null);
	}

	/**
	 * Estimate the heap a span holds while queued.
	 * @param span the span
	 * @return the estimated bytes
	 */
	static long estimateBytes(SpanData span) {
		SizeEstimate estimate = new SizeEstimate();
		span.getAttributes().forEach(estimate);
		for (EventData event : span.getEvents()) {
			estimate.bytes += SPAN_OVERHEAD_BYTES / 4 + event.getName().length();
			event.getAttributes().forEach(estimate);
		}
		return SPAN_OVERHEAD_BYTES + span.getName().length() + estimate.bytes;
	}

	/**
	 * Start exporting, or resume after {@link #pause(Duration)}.
	 */
	public void start() {
		this.sender.start();
	}

	@Override
	public void pause(Duration flushTimeout) {
		this.sender.pause(flushTimeout);
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
		this.sender.offer(new Ended(span.toSpanData()));
	}

	@Override
	public boolean isEndRequired() {
		return true;
	}

	/**
	 * Stop accepting spans and start flushing, without waiting; {@link #shutdown()} waits
	 * for what is left of the shutdown timeout.
	 */
	public void beginShutdown() {
		this.sender.beginStop(this.shutdownTimeout);
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
	 * Return the number of spans the backend refused for good.
	 * @return the failed count
	 */
	public long getFailedCount() {
		return this.sender.getFailedCount();
	}

	/**
	 * Return how many times a span's export failed and was scheduled for a retry.
	 * @return the retried count
	 */
	public long getRetriedCount() {
		return this.sender.getRetriedCount();
	}

	/**
	 * Return the number of spans given up after the most attempts.
	 * @return the expired count
	 */
	public long getExpiredByAttemptsCount() {
		return this.sender.getExpiredByAttemptsCount();
	}

	/**
	 * Return the number of spans given up once retried for the max retry time.
	 * @return the expired count
	 */
	public long getExpiredByTimeCount() {
		return this.sender.getExpiredByTimeCount();
	}

	@Override
	public @Nullable Spool<?> getSpool() {
		return this.sender.getSpool();
	}

	/**
	 * A span waiting to be exported: ended in this process, or read back from the spool.
	 */
	sealed interface QueuedSpan permits Ended, Spooled {

		/**
		 * Estimate the heap the span holds while queued.
		 * @return the estimated bytes
		 */
		long estimateBytes();

	}

	/**
	 * A span ended in this process.
	 *
	 * @param span the span
	 */
	record Ended(SpanData span) implements QueuedSpan {

		@Override
		public long estimateBytes() {
			return BoundedExportSpanProcessor.estimateBytes(this.span);
		}

	}

	/**
	 * A span read back from the spool: an OTLP export request of it, sent as it is.
	 *
	 * @param request the protobuf bytes
	 */
	record Spooled(byte[] request) implements QueuedSpan {

		@Override
		public long estimateBytes() {
			return this.request.length;
		}

	}

	private static final class SizeEstimate implements BiConsumer<AttributeKey<?>, Object> {

		private long bytes;

		@Override
		public void accept(AttributeKey<?> key, Object value) {
			this.bytes += 16 + key.getKey().length() + valueBytes(value);
		}

		private static long valueBytes(Object value) {
			if (value instanceof String text) {
				return text.length();
			}
			if (value instanceof List<?> list) {
				long bytes = 0;
				for (Object element : list) {
					bytes += 4 + ((element instanceof String text) ? text.length() : 8);
				}
				return bytes;
			}
			return 8;
		}

	}

}
