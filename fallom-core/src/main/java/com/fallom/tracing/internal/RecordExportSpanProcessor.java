package com.fallom.tracing.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.SendResult;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sends each ended Fallom span as one JSON trace record, {@code POST {traces}/v1/traces}
 * with the Bearer key, as today's Fallom SDKs do: the span's {@link TracedCall} (attached
 * by its integration, or described from its attributes) goes through the
 * {@link TraceRecordMapper} on the thread that ends the span, and the record through a
 * {@link BoundedSender} with many requests in flight, bounded by count and bytes. A
 * record the backend refuses as malformed or too large (400, 413) is dropped alone and
 * counted by status; 401 and 403 back off like an outage, as the key may be fixed
 * without losing what is queued; network errors, 408, 429 and 5xx are retried with
 * back-off; stopping flushes within the shutdown timeout. Internal API.
 */
public final class RecordExportSpanProcessor implements ExportingSpanProcessor {

	/** Path of the records, below the traces service URL. */
	public static final String PATH = "/v1/traces";

	/** Enough for 2,000 records/s at a 50 ms round trip, with room for slower answers. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 128;

	private static final Log logger = LogFactory.getLog(RecordExportSpanProcessor.class);

	private final TraceRecordMapper mapper;

	private final BoundedSender<byte[]> sender;

	private final Duration shutdownTimeout;

	private final Map<Integer, LongAdder> refusedByStatus = new ConcurrentHashMap<>();

	private final LongAdder unmapped = new LongAdder();

	/**
	 * Create a processor; nothing is sent until {@link #start()}.
	 * @param client the HTTP client of the traces service
	 * @param mapper the record mapper
	 * @param queueCapacity the most records waiting
	 * @param maxQueuedBytes the most bytes of records waiting
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest shutdown flushes
	 */
	public RecordExportSpanProcessor(FallomHttpClient client, TraceRecordMapper mapper, int queueCapacity,
			long maxQueuedBytes, int maxInFlight, RetryBackoff backoff, Duration timeout, Duration shutdownTimeout) {
		this.mapper = mapper;
		this.shutdownTimeout = shutdownTimeout;
		this.sender = BoundedSender.<byte[]>builder("records", (batch) -> post(client, batch.get(0), timeout))
			.capacity(queueCapacity)
			.maxQueuedBytes(maxQueuedBytes, (record) -> record.length)
			.maxBatch(1, Long.MAX_VALUE)
			.maxInFlight(maxInFlight)
			.backoff(backoff)
			.build();
	}

	private CompletableFuture<SendResult> post(FallomHttpClient client, byte[] record, Duration timeout) {
		return client.postJsonAsync(PATH, record, timeout).thenApply((response) -> {
			int status = response.status();
			if (status == 401 || status == 403) {
				// A key being rotated or a project being set up: wait for it, keep the records
				return SendResult.retry("HTTP " + status, null);
			}
			SendResult result = SendResult.ofStatus(status, response.retryAfter());
			if (result.kind() == SendResult.Kind.REJECTED) {
				this.refusedByStatus.computeIfAbsent(status, (key) -> new LongAdder()).increment();
			}
			return result;
		});
	}

	@Override
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
		byte[] record;
		try {
			TracedCall call = SpanCalls.of(span.toSpanData(), TracedCalls.remove(span));
			record = this.mapper.toJson(call);
		}
		catch (RuntimeException ex) {
			// A record that cannot be written must not fail the caller's call
			this.unmapped.increment();
			logger.debug("Fallom records: could not write the record of span " + span.getName(), ex);
			return;
		}
		this.sender.offer(record);
	}

	@Override
	public boolean isEndRequired() {
		return true;
	}

	@Override
	public void beginShutdown() {
		this.sender.beginStop(this.shutdownTimeout);
	}

	@Override
	public CompletableResultCode shutdown() {
		this.sender.stop(this.shutdownTimeout);
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public int getQueueSize() {
		return this.sender.getQueueSize();
	}

	@Override
	public long getQueuedBytes() {
		return this.sender.getQueuedBytes();
	}

	@Override
	public long getDroppedCount() {
		return this.sender.getDroppedCount();
	}

	@Override
	public long getExportedCount() {
		return this.sender.getSentCount();
	}

	@Override
	public long getFailedCount() {
		return this.sender.getFailedCount();
	}

	@Override
	public long getRetriedCount() {
		return this.sender.getRetriedCount();
	}

	@Override
	public long getExpiredByAttemptsCount() {
		return this.sender.getExpiredByAttemptsCount();
	}

	@Override
	public long getExpiredByTimeCount() {
		return this.sender.getExpiredByTimeCount();
	}

	/**
	 * Return the records the backend refused for good, by HTTP status (400, 413 ...).
	 * @param status the status
	 * @return the count
	 */
	public long getRefusedCount(int status) {
		LongAdder count = this.refusedByStatus.get(status);
		return (count != null) ? count.sum() : 0;
	}

	/**
	 * Return the number of spans whose record could not be written.
	 * @return the count
	 */
	public long getUnmappedCount() {
		return this.unmapped.sum();
	}

	/**
	 * Return the number of requests under way.
	 * @return the requests in flight
	 */
	public int getInFlightCount() {
		return this.sender.getInFlightCount();
	}

}
