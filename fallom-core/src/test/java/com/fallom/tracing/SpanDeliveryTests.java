package com.fallom.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fallom.internal.RetryBackoff;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.RecordedRequest;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that {@link FallomTraceExporter} delivers spans to a {@link FallomMockServer}
 * over OTLP/HTTP through outages, in requests of bounded size.
 */
class SpanDeliveryTests {

	private static final RetryBackoff FAST_BACKOFF = new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

	private static final int MB = 1024 * 1024;

	private FallomMockServer server;

	private FallomTraceExporter exporter;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
	}

	@AfterEach
	void stop() {
		if (this.exporter != null) {
			this.exporter.stop();
		}
		this.server.close();
	}

	private Tracer start(int queueCapacity, long maxBatchBytes) {
		this.exporter = new FallomTraceExporter(
				FallomTraceExporter.otlpExporter(URI.create(this.server.baseUrl()), this.server.apiKey(),
						Duration.ofSeconds(2)),
				Resource.getDefault(), new FallomTraceExporter.Settings(queueCapacity, 256L * MB, 256, maxBatchBytes,
						FallomTraceExporter.Settings.DEFAULT_MAX_IN_FLIGHT, FAST_BACKOFF, Duration.ofSeconds(2),
						Duration.ofSeconds(5)));
		this.exporter.start();
		return this.exporter.getTracer();
	}

	private List<String> receivedSpanNames() {
		List<String> names = new ArrayList<>();
		this.server.traceSpans().forEach((span) -> names.add(span.getName()));
		return names;
	}

	private static List<String> names(int count) {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			names.add("chat-" + i);
		}
		return names;
	}

	@Test
	void revokedApiKeyBacksOffInsteadOfExportingEveryBatch() {
		this.exporter = new FallomTraceExporter(
				FallomTraceExporter.otlpExporter(URI.create(this.server.baseUrl()), "revoked-key",
						Duration.ofSeconds(2)),
				Resource.getDefault(),
				new FallomTraceExporter.Settings(2048, 256L * MB, 256, 1, 1,
						new RetryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), Duration.ofSeconds(2),
						Duration.ofMillis(300)));
		this.exporter.start();
		Tracer tracer = this.exporter.getTracer();
		for (int i = 0; i < 10; i++) {
			tracer.spanBuilder("chat-" + i).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.exporter.getFailedCount() == 1);
		this.exporter.stop();
		assertThat(this.server.unauthorizedCount()).isOne();
		assertThat(this.exporter.getDroppedCount()).isEqualTo(9);
	}

	@Test
	void spanBatchThatAlwaysFailsIsGivenUpAfterTheMostAttempts() {
		this.server.fault(Endpoint.TRACES, Fault.status(500));
		this.exporter = new FallomTraceExporter(
				FallomTraceExporter.otlpExporter(URI.create(this.server.baseUrl()), this.server.apiKey(),
						Duration.ofSeconds(2)),
				Resource.getDefault(), new FallomTraceExporter.Settings(2048, 256L * MB, 256,
						FallomTraceExporter.Settings.DEFAULT_MAX_BATCH_BYTES, 1,
						FAST_BACKOFF.withLimits(2, Duration.ofMinutes(10)), Duration.ofSeconds(2), Duration.ofSeconds(1)));
		this.exporter.start();
		this.exporter.getTracer().spanBuilder("chat-0").startSpan().end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.exporter.getExpiredByAttemptsCount() == 1);
		assertThat(this.server.requestCount(Endpoint.TRACES)).isEqualTo(2);
		assertThat(this.exporter.getQueueSize()).isZero();
	}

	@Test
	void deliversSpansEndedDuringAnOutageAfterRecovery() {
		this.server.fault(Endpoint.TRACES, Fault.status(500));
		Tracer tracer = start(2048, FallomTraceExporter.Settings.DEFAULT_MAX_BATCH_BYTES);
		for (int i = 0; i < 1000; i++) {
			tracer.spanBuilder("chat-" + i).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.TRACES) >= 3);
		this.server.fault(Endpoint.TRACES, Fault.reset());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.TRACES) >= 6);
		assertThat(this.server.traceSpans()).isEmpty();
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> new HashSet<>(receivedSpanNames()).size() >= 1000);
		assertThat(new HashSet<>(receivedSpanNames())).isEqualTo(new HashSet<>(names(1000)));
		assertThat(this.exporter.getDroppedCount()).isZero();
		assertThat(this.exporter.getFailedCount()).isZero();
		assertThat(this.exporter.getRetriedCount()).isPositive();
	}

	@Test
	void openTelemetrysOwnRetryAndBatchProcessorLoseTheSpansOfA500Outage() {
		// The alternative that was weighed: the SDK's batch processor and the exporter's
		// retry policy, which never retries a 500 (only 429, 502, 503, 504, at most 5 tries)
		SpanExporter exporter = OtlpHttpSpanExporter.builder()
			.setEndpoint(this.server.baseUrl() + "/v1/traces")
			.addHeader("Authorization", "Bearer " + this.server.apiKey())
			.setRetryPolicy(RetryPolicy.getDefault())
			.setMeterProvider(MeterProvider::noop)
			.build();
		SdkTracerProvider provider = SdkTracerProvider.builder()
			.addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofHours(1)).build())
			.build();
		try {
			this.server.fault(Endpoint.TRACES, Fault.status(500));
			Tracer tracer = provider.get("test");
			for (int i = 0; i < 10; i++) {
				tracer.spanBuilder("chat-" + i).startSpan().end();
			}
			provider.forceFlush().join(10, TimeUnit.SECONDS);
			assertThat(this.server.requestCount(Endpoint.TRACES)).isOne();
			this.server.clearFaults();
			provider.forceFlush().join(10, TimeUnit.SECONDS);
			assertThat(this.server.requestCount(Endpoint.TRACES)).isOne();
			assertThat(this.server.traceSpans()).isEmpty();
		}
		finally {
			provider.shutdown().join(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void dropsAndCountsSpansTheBackendRefusesWithoutRetryingThem() {
		this.server.fault(Endpoint.TRACES, Fault.status(400).times(1));
		Tracer tracer = start(2048, FallomTraceExporter.Settings.DEFAULT_MAX_BATCH_BYTES);
		tracer.spanBuilder("refused").startSpan().end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.exporter.getFailedCount() == 1);
		tracer.spanBuilder("accepted").startSpan().end();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.traceSpans().isEmpty());
		assertThat(receivedSpanNames()).containsExactly("accepted");
		assertThat(this.exporter.getRetriedCount()).isZero();
	}

	@Test
	void splitsABurstOfLargeSpansIntoRequestsOfBoundedSize() {
		this.server.fault(Endpoint.TRACES, Fault.status(503).times(1));
		Tracer tracer = start(2048, 4L * MB);
		String prompt = "x".repeat(MB);
		for (int i = 0; i < 12; i++) {
			tracer.spanBuilder("chat-" + i).setAttribute("gen_ai.prompt.0.content", prompt).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> new HashSet<>(receivedSpanNames()).size() >= 12);
		assertThat(new HashSet<>(receivedSpanNames())).isEqualTo(new HashSet<>(names(12)));
		List<RecordedRequest> accepted = this.server.requests(Endpoint.TRACES);
		assertThat(accepted.size()).isGreaterThanOrEqualTo(3 + 1);
		assertThat(accepted).allSatisfy((request) -> assertThat(request.body().length).isLessThan(4 * MB + 64 * 1024));
	}

	@Test
	void exportsASpanLargerThanTheRequestBoundAlone() {
		Tracer tracer = start(2048, 4L * MB);
		tracer.spanBuilder("small-before").startSpan().end();
		tracer.spanBuilder("huge").setAttribute("gen_ai.prompt.0.content", "x".repeat(5 * MB)).startSpan().end();
		tracer.spanBuilder("small-after").startSpan().end();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.server.traceSpans().size() >= 3);
		assertThat(receivedSpanNames()).containsExactlyInAnyOrder("small-before", "huge", "small-after");
		assertThat(this.server.traceRequests()).anySatisfy((request) -> assertThat(
				request.getResourceSpans(0).getScopeSpans(0).getSpansList()).singleElement()
			.satisfies((span) -> assertThat(span.getName()).isEqualTo("huge")));
	}

}
