package com.fallom.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.spool.Spool;
import com.fallom.tracing.internal.BoundedExportSpanProcessor;
import com.fallom.tracing.internal.ExportingSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.jspecify.annotations.Nullable;

/**
 * Fallom's private trace pipeline: a tracer provider of its own that samples every span,
 * feeding a bounded queue sent, without a thread of its own, to {@code {base-url}/v1/traces},
 * as one JSON trace record per span (the default, {@code RecordExportSpanProcessor}) or
 * over OTLP/HTTP in requests bounded by span count and estimated bytes, retrying failed
 * sends with back-off until they are delivered or the queue overflows. Being private, it reaches Fallom whatever the
 * application samples or exports, and it leaves the application's own pipeline alone;
 * its spans still join the application's traces because their parent is the
 * application's current span.
 */
public class FallomTraceExporter implements AutoCloseable, QueueStatistics {

	/** The instrumentation scope of Fallom's spans. */
	public static final String INSTRUMENTATION_SCOPE = "com.fallom.spring-boot";

	/** Spans with long conversations carry two attributes per message. */
	private static final int MAX_ATTRIBUTES = GenAiAttributes.MAX_SPAN_ATTRIBUTES;

	private final ExportingSpanProcessor processor;

	private final SdkTracerProvider tracerProvider;

	private final Tracer tracer;

	private final Duration shutdownTimeout;

	private final AtomicBoolean shutdown = new AtomicBoolean();

	private volatile boolean running;

	/**
	 * Create an exporter; nothing is sent until {@link #start()}.
	 * @param spanExporter where the spans go, usually {@link #otlpExporter}
	 * @param resource the resource of the spans, with the service name
	 * @param settings the queue and timeout settings
	 */
	public FallomTraceExporter(SpanExporter spanExporter, Resource resource, Settings settings) {
		this(new BoundedExportSpanProcessor(spanExporter, settings.queueCapacity(), settings.maxQueuedBytes(),
				settings.batchSize(), settings.maxBatchBytes(), settings.maxInFlight(), settings.backoff(),
				settings.exportTimeout(), settings.shutdownTimeout(), null), resource, settings.shutdownTimeout());
	}

	/**
	 * Create an exporter around a processor that sends in its own wire format, such as
	 * the trace records of {@code RecordExportSpanProcessor}; nothing is sent until
	 * {@link #start()}.
	 * @param processor the exporting processor
	 * @param resource the resource of the spans, with the service name
	 * @param shutdownTimeout the longest stopping flushes
	 */
	public FallomTraceExporter(ExportingSpanProcessor processor, Resource resource, Duration shutdownTimeout) {
		this.processor = processor;
		this.tracerProvider = SdkTracerProvider.builder()
			.setSampler(Sampler.alwaysOn())
			.setResource(resource)
			.setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(MAX_ATTRIBUTES).build())
			.addSpanProcessor(this.processor)
			.build();
		this.tracer = this.tracerProvider.get(INSTRUMENTATION_SCOPE);
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Return the processor that sends the spans.
	 * @return the processor
	 */
	public ExportingSpanProcessor getProcessor() {
		return this.processor;
	}

	/**
	 * Create the OTLP/HTTP exporter to the Fallom backend: Bearer authentication, short
	 * timeouts, no retries of its own (the processor retries, before newer spans, for as
	 * long as the queue holds), and no metrics of its own that would reach for the global
	 * OpenTelemetry instance.
	 * @param baseUrl the backend's base URL, without a trailing slash
	 * @param apiKey the API key
	 * @param timeout the connect and export timeout
	 * @return the exporter
	 */
	public static SpanExporter otlpExporter(URI baseUrl, String apiKey, Duration timeout) {
		return OtlpHttpSpanExporter.builder()
			.setEndpoint(baseUrl + "/v1/traces")
			.addHeader("Authorization", "Bearer " + apiKey)
			.setTimeout(timeout)
			.setConnectTimeout(timeout)
			.setRetryPolicy(null)
			.setMeterProvider(MeterProvider::noop)
			.build();
	}

	/**
	 * Return the tracer of Fallom's spans.
	 * @return the tracer
	 */
	public Tracer getTracer() {
		return this.tracer;
	}

	/**
	 * Start exporting, or resume after {@link #pause(Duration)}.
	 */
	public void start() {
		if (this.shutdown.get()) {
			return;
		}
		this.processor.start();
		this.running = true;
	}

	/**
	 * Pause: export what is queued within the given time, then stop exporting;
	 * spans keep queueing and are exported on {@link #start()} or flushed by
	 * {@link #close()}.
	 * @param flushTimeout the longest the flush may take
	 */
	public void pause(Duration flushTimeout) {
		this.running = false;
		this.processor.pause(flushTimeout);
	}

	/**
	 * Stop accepting spans and start flushing, without waiting; {@link #stop()} waits for
	 * what is left of the shutdown timeout.
	 */
	public void beginStop() {
		this.running = false;
		this.processor.beginShutdown();
	}

	/**
	 * Stop, flushing what is queued within the shutdown timeout.
	 */
	public void stop() {
		this.running = false;
		close();
	}

	/**
	 * Flush what is queued within the shutdown timeout and release the exporter. Called
	 * by {@link #stop()}, and on context close when the exporter was never started.
	 */
	@Override
	public void close() {
		if (this.shutdown.compareAndSet(false, true)) {
			// The processor flushes within the shutdown timeout; the margin covers the
			// exporter's own shutdown.
			this.tracerProvider.shutdown().join(this.shutdownTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
	}

	public boolean isRunning() {
		return this.running;
	}

	@Override
	public String getQueueName() {
		return "spans";
	}

	/**
	 * Return the number of spans waiting to be exported.
	 * @return the queue size
	 */
	@Override
	public int getQueueSize() {
		return this.processor.getQueueSize();
	}

	/**
	 * Return the estimated bytes of the spans waiting to be exported.
	 * @return the queued bytes
	 */
	public long getQueuedBytes() {
		return this.processor.getQueuedBytes();
	}

	/**
	 * Return the number of spans dropped because the queue was full or the shutdown flush
	 * ran out of time.
	 * @return the dropped count
	 */
	@Override
	public long getDroppedCount() {
		return this.processor.getDroppedCount();
	}

	/**
	 * Return the number of spans the backend accepted.
	 * @return the exported count
	 */
	public long getExportedCount() {
		return this.processor.getExportedCount();
	}

	@Override
	public long getSentCount() {
		return getExportedCount();
	}

	/**
	 * Return the number of spans the backend refused for good.
	 * @return the failed count
	 */
	@Override
	public long getFailedCount() {
		return this.processor.getFailedCount();
	}

	/**
	 * Return how many times a span's export failed and was scheduled for a retry.
	 * @return the retried count
	 */
	@Override
	public long getRetriedCount() {
		return this.processor.getRetriedCount();
	}

	@Override
	public long getExpiredByAttemptsCount() {
		return this.processor.getExpiredByAttemptsCount();
	}

	@Override
	public long getExpiredByTimeCount() {
		return this.processor.getExpiredByTimeCount();
	}

	@Override
	public @Nullable Spool<?> getSpool() {
		return this.processor.getSpool();
	}

	/**
	 * Queue, request and timeout settings.
	 *
	 * @param queueCapacity the most spans waiting to be exported
	 * @param maxQueuedBytes the most estimated bytes of spans waiting to be exported
	 * @param batchSize the most spans exported in one request
	 * @param maxBatchBytes the most estimated bytes exported in one request (a bigger span
	 * goes alone)
	 * @param maxInFlight the most export requests under way at once
	 * @param backoff the back-off between retries of a failed export
	 * @param exportTimeout the longest one export may take
	 * @param shutdownTimeout the longest stopping flushes
	 */
	public record Settings(int queueCapacity, long maxQueuedBytes, int batchSize, long maxBatchBytes,
			int maxInFlight, RetryBackoff backoff, Duration exportTimeout, Duration shutdownTimeout) {

		/** One request carries at most 4 MB of estimated span data. */
		public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;

		/** Two exports under way: batches are large, and a second one hides a round trip. */
		public static final int DEFAULT_MAX_IN_FLIGHT = 2;

		/**
		 * Settings with the default request size, exports in flight and back-off.
		 * @param queueCapacity the most spans waiting to be exported
		 * @param maxQueuedBytes the most estimated bytes of spans waiting to be exported
		 * @param batchSize the most spans exported in one request
		 * @param exportTimeout the longest one export may take
		 * @param shutdownTimeout the longest stopping flushes
		 */
		public Settings(int queueCapacity, long maxQueuedBytes, int batchSize, Duration exportTimeout,
				Duration shutdownTimeout) {
			this(queueCapacity, maxQueuedBytes, batchSize, DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_IN_FLIGHT,
					RetryBackoff.DEFAULT, exportTimeout, shutdownTimeout);
		}

	}

}
