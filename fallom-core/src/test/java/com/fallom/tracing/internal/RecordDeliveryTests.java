package com.fallom.tracing.internal;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.RecordedRequest;
import com.fallom.test.TraceRecord;
import com.fallom.tracing.FallomTraceExporter;
import com.fallom.tracing.internal.TracedCall.Message;
import com.fallom.tracing.internal.TracedCall.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that {@link RecordExportSpanProcessor} posts one JSON trace record per ended span
 * to a {@link FallomMockServer}, as today's SDKs do, through outages, refusals and
 * shutdown.
 */
class RecordDeliveryTests {

	private static final RetryBackoff FAST_BACKOFF = new RetryBackoff(Duration.ofMillis(50), Duration.ofMillis(200));

	private FallomMockServer server;

	private FallomHttpClient client;

	private RecordExportSpanProcessor processor;

	private FallomTraceExporter exporter;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofSeconds(2));
	}

	@AfterEach
	void stop() {
		if (this.exporter != null) {
			this.exporter.stop();
		}
		this.client.close();
		this.server.close();
	}

	private Tracer start(boolean captureContent) {
		this.processor = new RecordExportSpanProcessor(this.client, new TraceRecordMapper(captureContent), 4096,
				64L * 1024 * 1024, RecordExportSpanProcessor.DEFAULT_MAX_IN_FLIGHT, FAST_BACKOFF, Duration.ofSeconds(2),
				Duration.ofSeconds(5));
		this.exporter = new FallomTraceExporter(this.processor, Resource.getDefault(), Duration.ofSeconds(5));
		this.exporter.start();
		return this.exporter.getTracer();
	}

	private Set<String> receivedNames() {
		return this.server.traceRecords().stream().map(TraceRecord::name).collect(Collectors.toSet());
	}

	private static Set<String> names(int count) {
		Set<String> names = new HashSet<>();
		for (int i = 0; i < count; i++) {
			names.add("step-" + i);
		}
		return names;
	}

	@Test
	void postsOneJsonRecordPerSpanWithTheBearerKeyAndLinksChildrenToTheirParent() {
		Tracer tracer = start(true);
		Span run = tracer.spanBuilder("run").startSpan();
		try (Scope scope = run.makeCurrent()) {
			Span chat = tracer.spanBuilder("chat").startSpan();
			TracedCalls.attach(chat,
					new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS)
						.integration("spring-ai")
						.session("support-bot", "s-1", "cust-1", Map.of("plan", "pro"), List.of("beta"))
						.requestModel("gpt-4o")
						.message(Message.of("user", "Where is my order?"))
						.response("gpt-4o-2024-08-06", "On its way.", "stop", "chatcmpl-1")
						.usage(new Usage(12, 4, 16)));
			chat.end();
		}
		run.end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.traceRecords().size() == 2);
		List<RecordedRequest> requests = this.server.requests(Endpoint.TRACES);
		assertThat(requests).hasSize(2).allSatisfy((request) -> {
			assertThat(request.header("Content-Type")).startsWith("application/json");
			assertThat(request.header("Authorization")).isEqualTo("Bearer " + this.server.apiKey());
		});
		// Both may start within one millisecond: told apart by kind, not by order
		TraceRecord runRecord = this.server.traceRecords()
			.stream()
			.filter((record) -> "custom".equals(record.kind()))
			.findFirst()
			.orElseThrow();
		TraceRecord chatRecord = this.server.traceRecords()
			.stream()
			.filter((record) -> "llm".equals(record.kind()))
			.findFirst()
			.orElseThrow();
		assertThat(runRecord.name()).isEqualTo("run");
		assertThat(chatRecord.name()).isEqualTo("chat.completions.create");
		assertThat(chatRecord.traceId()).isEqualTo(runRecord.traceId()).matches("[0-9a-f]{32}");
		assertThat(chatRecord.parentSpanId()).isEqualTo(runRecord.spanId());
		assertThat(runRecord.parentSpanId()).isNull();
		assertThat(chatRecord.sessionId()).isEqualTo("s-1");
		assertThat(chatRecord.metadata()).containsEntry("plan", "pro");
		assertThat(chatRecord.tags()).containsExactly("beta");
		assertThat(chatRecord.model()).isEqualTo("gpt-4o-2024-08-06");
		assertThat(chatRecord.responseText()).isEqualTo("On its way.");
		assertThat(chatRecord.tokens("total_tokens")).isEqualTo(16);
		assertThat(chatRecord.attribute("fallom.integration")).isEqualTo("spring-ai");
		assertThat(this.processor.getExportedCount()).isEqualTo(2);
	}

	@Test
	void deliversRecordsEndedDuringAnOutageAfterRecovery() {
		this.server.fault(Endpoint.TRACES, Fault.status(503));
		Tracer tracer = start(true);
		for (int i = 0; i < 500; i++) {
			tracer.spanBuilder("step-" + i).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.TRACES) >= 3);
		assertThat(this.server.traceRecords()).isEmpty();
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> receivedNames().size() >= 500);
		assertThat(receivedNames()).isEqualTo(names(500));
		assertThat(this.processor.getDroppedCount()).isZero();
		assertThat(this.processor.getFailedCount()).isZero();
		assertThat(this.processor.getRetriedCount()).isPositive();
	}

	@Test
	void aRecordRefusedAsTooLargeOrMalformedIsDroppedAloneAndCountedByStatus() {
		Tracer tracer = start(true);
		this.server.fault(Endpoint.TRACES, Fault.status(413).times(1));
		tracer.spanBuilder("step-0").startSpan().end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.processor.getRefusedCount(413) == 1);
		this.server.fault(Endpoint.TRACES, Fault.status(400).times(1));
		tracer.spanBuilder("step-1").startSpan().end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.processor.getRefusedCount(400) == 1);
		for (int i = 2; i < 20; i++) {
			tracer.spanBuilder("step-" + i).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.traceRecords().size() == 18);
		assertThat(this.processor.getFailedCount()).isEqualTo(2);
		assertThat(this.processor.getRetriedCount()).isZero();
	}

	@Test
	void unauthorizedBacksOffAndKeepsTheRecordsUntilTheKeyIsAccepted() {
		this.server.fault(Endpoint.TRACES, Fault.status(401));
		Tracer tracer = start(true);
		for (int i = 0; i < 50; i++) {
			tracer.spanBuilder("step-" + i).startSpan().end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.TRACES) >= 3);
		this.server.clearFaults();
		await().atMost(Duration.ofSeconds(20)).until(() -> receivedNames().size() >= 50);
		assertThat(receivedNames()).isEqualTo(names(50));
		assertThat(this.processor.getFailedCount()).isZero();
	}

	@Test
	void stoppingFlushesWhatIsQueued() {
		this.server.fault(Endpoint.TRACES, Fault.delay(Duration.ofMillis(100)));
		Tracer tracer = start(true);
		for (int i = 0; i < 300; i++) {
			tracer.spanBuilder("step-" + i).startSpan().end();
		}
		this.exporter.stop();
		assertThat(receivedNames()).isEqualTo(names(300));
		assertThat(this.processor.getDroppedCount()).isZero();
	}

	@Test
	void privacyModeSendsNeitherContentNorToolNamesAndCaptureOnDoes() {
		Tracer tracer = start(false);
		Span tool = tracer.spanBuilder("tool").startSpan();
		TracedCalls.attach(tool, new TracedCall().kind(TracedCall.Kind.TOOL, "tool.lookup_secret_order")
			.input(Map.of("input", "{\"order\":\"SECRET-ARG\"}"))
			.output(Map.of("output", "SECRET-RESULT")));
		tool.end();
		Span chat = tracer.spanBuilder("chat").startSpan();
		TracedCalls.attach(chat,
				new TracedCall().requestModel("gpt-4o")
					.message(Message.of("user", "SECRET-PROMPT"))
					.response("gpt-4o", null, "tool_calls", "chatcmpl-2")
					.responseToolCall(new TracedCall.ToolCall("call_1", "lookup_secret_order", "{\"a\":\"SECRET-ARG\"}"))
					.error(new IllegalStateException("SECRET-ERROR")));
		chat.end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.traceRecords().size() == 2);
		String everything = new String(this.server.allReceivedBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(everything).doesNotContain("SECRET", "lookup_secret_order", "fallom.raw.request",
				"fallom.raw.response");
		// Positive control: the same spans with capture on carry all of it
		this.exporter.stop();
		this.exporter = null;
		this.server.reset();
		Tracer capturing = start(true);
		Span tool2 = capturing.spanBuilder("tool").startSpan();
		TracedCalls.attach(tool2, new TracedCall().kind(TracedCall.Kind.TOOL, "tool.lookup_secret_order")
			.input(Map.of("input", "{\"order\":\"SECRET-ARG\"}"))
			.output(Map.of("output", "SECRET-RESULT")));
		tool2.end();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.traceRecords().size() == 1);
		String captured = new String(this.server.allReceivedBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(captured).contains("SECRET-ARG", "SECRET-RESULT", "lookup_secret_order");
	}

}
