package com.fallom.tracing.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fallom.internal.SendResult;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BoundedExportSpanProcessor}.
 */
class BoundedExportSpanProcessorTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private SdkTracerProvider provider;

	@AfterEach
	void shutdown() {
		this.release.countDown();
		if (this.provider != null) {
			this.provider.shutdown().join(5, TimeUnit.SECONDS);
		}
	}

	private Tracer tracer(BoundedExportSpanProcessor processor) {
		this.provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
		return this.provider.get("test");
	}

	@Test
	void failedExportIsDescribedByItsTypeNeverByAMessageThatMayQuoteAHeader() {
		SendResult result = BoundedExportSpanProcessor.toSendResult(CompletableResultCode
			.ofExceptionalFailure(new IllegalArgumentException("invalid header value: \"Bearer sk-secret-key\"")));
		assertThat(result.kind()).isEqualTo(SendResult.Kind.RETRY);
		assertThat(result.reason()).isEqualTo("IllegalArgumentException");
	}

	@Test
	void exportsEndedSpansInBatches() {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		BoundedExportSpanProcessor processor = new BoundedExportSpanProcessor(exporter, 100, 1 << 20, 10,
				Duration.ofSeconds(1), Duration.ofSeconds(1));
		Tracer tracer = tracer(processor);
		for (int i = 0; i < 25; i++) {
			tracer.spanBuilder("span-" + i).startSpan().end();
		}
		processor.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> exporter.getFinishedSpanItems().size() == 25);
		assertThat(processor.getExportedCount()).isEqualTo(25);
		assertThat(processor.getQueueSize()).isZero();
		assertThat(processor.getQueuedBytes()).isZero();
	}

	@Test
	void queueIsBoundedBySpanCountAndOverflowIsDroppedAndCounted() {
		BoundedExportSpanProcessor processor = new BoundedExportSpanProcessor(InMemorySpanExporter.create(), 5,
				1 << 20, 10, Duration.ofSeconds(1), Duration.ofSeconds(1));
		Tracer tracer = tracer(processor);
		for (int i = 0; i < 12; i++) {
			tracer.spanBuilder("span").startSpan().end();
		}
		assertThat(processor.getQueueSize()).isEqualTo(5);
		assertThat(processor.getDroppedCount()).isEqualTo(7);
	}

	@Test
	void queueIsBoundedByBytesSoLargeContentIsDroppedFirst() {
		BoundedExportSpanProcessor processor = new BoundedExportSpanProcessor(InMemorySpanExporter.create(), 1000,
				10_000, 10, Duration.ofSeconds(1), Duration.ofSeconds(1));
		Tracer tracer = tracer(processor);
		String large = "x".repeat(4_000);
		for (int i = 0; i < 5; i++) {
			tracer.spanBuilder("large").setAttribute("gen_ai.prompt.0.content", large).startSpan().end();
		}
		assertThat(processor.getQueueSize()).isEqualTo(2);
		assertThat(processor.getDroppedCount()).isEqualTo(3);
		assertThat(processor.getQueuedBytes()).isBetween(8_000L, 10_000L);
		tracer.spanBuilder("small").startSpan().end();
		assertThat(processor.getQueueSize()).isEqualTo(3);
	}

	@Test
	void shutdownFlushesWithinItsTimeoutEvenWhenTheBackendHangs() {
		SpanExporter hanging = new SpanExporter() {

			@Override
			public CompletableResultCode export(Collection<SpanData> spans) {
				return new CompletableResultCode();
			}

			@Override
			public CompletableResultCode flush() {
				return CompletableResultCode.ofSuccess();
			}

			@Override
			public CompletableResultCode shutdown() {
				return CompletableResultCode.ofSuccess();
			}

		};
		BoundedExportSpanProcessor processor = new BoundedExportSpanProcessor(hanging, 100, 1 << 20, 1,
				Duration.ofMillis(200), Duration.ofMillis(300));
		Tracer tracer = tracer(processor);
		processor.start();
		for (int i = 0; i < 10; i++) {
			tracer.spanBuilder("span").startSpan().end();
		}
		CompletableResultCode shutdown = processor.shutdown();
		assertThat(shutdown.isDone()).isTrue();
		assertThat(processor.getQueueSize()).isZero();
		assertThat(processor.getDroppedCount() + processor.getFailedCount()).isEqualTo(10);
	}

	@Test
	void aSpanOnDiskIsAnExportRequestOfItselfReadBackAsItsBytes() throws IOException {
		SpanData span = endedSpan("chat");
		byte[] bytes = BoundedExportSpanProcessor.CODEC.encode(new BoundedExportSpanProcessor.Ended(span));
		assertThat(spanIds(ExportTraceServiceRequest.parseFrom(bytes))).containsExactly(span.getSpanId());
		BoundedExportSpanProcessor.QueuedSpan read = BoundedExportSpanProcessor.CODEC.decode(bytes);
		assertThat(read).isInstanceOf(BoundedExportSpanProcessor.Spooled.class);
		assertThat(((BoundedExportSpanProcessor.Spooled) read).request()).isEqualTo(bytes);
		assertThat(read.estimateBytes()).isEqualTo(bytes.length);
		// Written again (its send failed once more after the replay): the same bytes
		assertThat(BoundedExportSpanProcessor.CODEC.encode(read)).isSameAs(bytes);
	}

	@Test
	void exportRequestsOneAfterAnotherAreOneRequestWithTheSpansOfEach() throws IOException {
		SpanData first = endedSpan("first");
		SpanData second = endedSpan("second");
		byte[] joined = concat(OtlpHttpExporter.encode(List.of(first)), OtlpHttpExporter.encode(List.of(second)));
		assertThat(OtlpHttpExporter.isEncodedRequest(joined)).isTrue();
		assertThat(spanIds(ExportTraceServiceRequest.parseFrom(joined))).containsExactly(first.getSpanId(),
				second.getSpanId());
	}

	@Test
	void bytesThatAreNotAnExportRequestAreRefusedWhenReadBack() throws IOException {
		byte[] whole = OtlpHttpExporter.encode(List.of(endedSpan("chat")));
		byte[] truncated = Arrays.copyOf(whole, whole.length - 1);
		byte[] json = "{\"name\":\"chat\"}".getBytes(StandardCharsets.UTF_8);
		for (byte[] bytes : List.of(new byte[0], truncated, json)) {
			assertThatIOException().isThrownBy(() -> BoundedExportSpanProcessor.CODEC.decode(bytes));
		}
	}

	private static SpanData endedSpan(String name) {
		InMemorySpanExporter exporter = InMemorySpanExporter.create();
		SdkTracerProvider provider = SdkTracerProvider.builder()
			.addSpanProcessor(SimpleSpanProcessor.create(exporter))
			.build();
		try {
			provider.get("test").spanBuilder(name).setAttribute("gen_ai.prompt.0.content", "hello").startSpan().end();
			return exporter.getFinishedSpanItems().get(0);
		}
		finally {
			provider.shutdown().join(5, TimeUnit.SECONDS);
		}
	}

	private static List<String> spanIds(ExportTraceServiceRequest request) {
		List<String> ids = new ArrayList<>();
		for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
			for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
				scopeSpans.getSpansList()
					.forEach((span) -> ids.add(HexFormat.of().formatHex(span.getSpanId().toByteArray())));
			}
		}
		return ids;
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] joined = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, joined, first.length, second.length);
		return joined;
	}

}
