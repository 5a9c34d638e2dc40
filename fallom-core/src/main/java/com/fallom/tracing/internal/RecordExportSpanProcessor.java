package com.fallom.tracing.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.SendResult;
import com.fallom.internal.spool.Spool;
import com.fallom.internal.spool.SpoolCodec;
import com.fallom.internal.spool.SpoolDirectory;
import com.fallom.tracing.internal.TracedCall.Kind;
import com.fallom.tracing.internal.TracedCall.ToolTiming;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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

	/** The most spans tracked as open: beyond, spans never ended would only take memory. */
	static final int MAX_OPEN = 100_000;

	private static final Log logger = LogFactory.getLog(RecordExportSpanProcessor.class);

	private final TraceRecordMapper mapper;

	private final BoundedSender<byte[]> sender;

	private final Duration shutdownTimeout;

	private final Map<Integer, LongAdder> refusedByStatus = new ConcurrentHashMap<>();

	private final LongAdder unmapped = new LongAdder();

	/** The spans started and not yet ended, by span id, to fold tool timings into runs. */
	private final Map<String, OpenSpan> open = new ConcurrentHashMap<>();

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
		this(client, mapper, queueCapacity, maxQueuedBytes, maxInFlight, backoff, timeout, shutdownTimeout, null);
	}

	/**
	 * Create a processor that keeps what it cannot send in a spool; nothing is sent until
	 * {@link #start()}.
	 * @param client the HTTP client of the traces service
	 * @param mapper the record mapper
	 * @param queueCapacity the most records waiting
	 * @param maxQueuedBytes the most bytes of records waiting
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest shutdown flushes
	 * @param spool the spool, or {@code null} for memory only
	 */
	public RecordExportSpanProcessor(FallomHttpClient client, TraceRecordMapper mapper, int queueCapacity,
			long maxQueuedBytes, int maxInFlight, RetryBackoff backoff, Duration timeout, Duration shutdownTimeout,
			@Nullable SpoolDirectory spool) {
		this.mapper = mapper;
		this.shutdownTimeout = shutdownTimeout;
		this.sender = BoundedSender.<byte[]>builder("records", (batch) -> post(client, batch.get(0), timeout))
			.capacity(queueCapacity)
			.maxQueuedBytes(maxQueuedBytes, (record) -> record.length)
			.maxBatch(1, Long.MAX_VALUE)
			.maxInFlight(maxInFlight)
			.backoff(backoff)
			// No thread of its own: pumped on the HTTP client's one thread
			.executor(client.executor())
			.spool((spool != null) ? spool.stream("records", SpoolCodec.bytes()) : null)
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
		if (this.open.size() >= MAX_OPEN) {
			// Spans never ended: stop measuring tools rather than grow
			return;
		}
		SpanContext parent = Span.fromContext(parentContext).getSpanContext();
		OpenSpan parentSpan = parent.isValid() ? this.open.get(parent.getSpanId()) : null;
		this.open.put(span.getSpanContext().getSpanId(), new OpenSpan(parentSpan));
	}

	@Override
	public boolean isStartRequired() {
		return true;
	}

	@Override
	public void onEnd(ReadableSpan span) {
		byte[] record;
		try {
			SpanData data = span.toSpanData();
			OpenSpan opened = this.open.remove(data.getSpanId());
			TracedCall call = SpanCalls.of(data, TracedCalls.remove(span));
			if (opened != null) {
				foldToolTimings(data, call, opened);
			}
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

	/**
	 * A tool span gives its measured start and duration to every step still open around it;
	 * a run (a ChatClient call or an advisor, an agent, a manual span) lists those of its
	 * tools in its timings, as the TypeScript SDK's {@code toolTimings}. Names are the
	 * mapper's to drop without content capture.
	 */
	private static void foldToolTimings(SpanData span, TracedCall call, OpenSpan opened) {
		if (call.kind() == Kind.TOOL) {
			String id = span.getAttributes().get(GenAiAttributes.TOOL_CALL_ID);
			String name = span.getAttributes().get(GenAiAttributes.TOOL_NAME);
			// Times relative to each run's start once that run ends
			Measured measured = new Measured(id, name, span.getStartEpochNanos(),
					span.getEndEpochNanos() - span.getStartEpochNanos());
			for (OpenSpan run = opened.parent; run != null; run = run.parent) {
				run.add(measured);
			}
		}
		if (call.kind() == Kind.CHAIN || call.kind() == Kind.AGENT || call.manual) {
			for (Measured tool : opened.timings()) {
				call.toolTiming(new ToolTiming(tool.id(), tool.name(), micros(tool.startNanos() - span.getStartEpochNanos()),
						micros(tool.durationNanos())));
			}
		}
	}

	/** Nanoseconds as milliseconds to the microsecond. */
	private static double micros(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
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

	@Override
	public @Nullable Spool<?> getSpool() {
		return this.sender.getSpool();
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

	/** A tool's run, in epoch nanoseconds. */
	private record Measured(@Nullable String id, @Nullable String name, long startNanos, long durationNanos) {
	}

	/** A span under way: its parent and the timings of the tools run inside it. */
	private static final class OpenSpan {

		final @Nullable OpenSpan parent;

		private @Nullable List<Measured> timings;

		OpenSpan(@Nullable OpenSpan parent) {
			this.parent = parent;
		}

		synchronized void add(Measured timing) {
			if (this.timings == null) {
				this.timings = new ArrayList<>();
			}
			this.timings.add(timing);
		}

		synchronized List<Measured> timings() {
			return (this.timings != null) ? List.copyOf(this.timings) : List.of();
		}

	}

}
