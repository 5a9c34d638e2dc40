package com.fallom.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for OTLP trace export to {@link FallomMockServer} and the byte-level view of
 * everything it received.
 */
class FallomMockServerTraceTests {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final String ROOT_ID = "b7ad6b7169203331";

	private static final String CHILD_ID = "00f067aa0ba902b7";

	private FallomMockServer server;

	private TestHttp http;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.http = new TestHttp(this.server);
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void decodesExportedSpansWithAttributesStatusAndResource() {
		HttpResponse<byte[]> response = this.http.postProtobuf(exportRequest("the secret prompt").toByteArray(), false);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
		assertThat(response.body()).isEqualTo(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
		assertThat(this.server.traceRequests()).containsExactly(exportRequest("the secret prompt"));
		assertThat(this.server.traceSpans()).extracting(Span::getName).containsExactly("http post", "chat gpt-4o");
		List<ReceivedSpan> spans = this.server.receivedSpans();
		assertThat(spans).hasSize(2);
		ReceivedSpan root = spans.get(0);
		assertThat(root.isRoot()).isTrue();
		assertThat(root.parentSpanId()).isEmpty();
		assertThat(root.kind()).isEqualTo("SERVER");
		assertThat(root.scopeName()).isEqualTo("spring-web");
		ReceivedSpan chat = spans.get(1);
		assertThat(chat.name()).isEqualTo("chat gpt-4o");
		assertThat(chat.kind()).isEqualTo("CLIENT");
		assertThat(chat.traceId()).isEqualTo(TRACE_ID);
		assertThat(chat.spanId()).isEqualTo(CHILD_ID);
		assertThat(chat.parentSpanId()).isEqualTo(ROOT_ID).isEqualTo(root.spanId());
		assertThat(chat.isRoot()).isFalse();
		assertThat(chat.statusCode()).isEqualTo("ERROR");
		assertThat(chat.statusMessage()).isEqualTo("rate limited");
		assertThat(chat.startEpochNanos()).isEqualTo(1_000L);
		assertThat(chat.endEpochNanos()).isEqualTo(5_000L);
		assertThat(chat.duration().toNanos()).isEqualTo(4_000L);
		assertThat(chat.scopeName()).isEqualTo("spring-ai");
		assertThat(chat.attributes()).containsEntry("gen_ai.system", "openai")
			.containsEntry("gen_ai.usage.input_tokens", 42L)
			.containsEntry("fallom.weight", 0.5)
			.containsEntry("fallom.fallback", false)
			.containsEntry("gen_ai.response.finish_reasons", List.of("stop", "length"));
		assertThat(chat.attribute("fallom.session_id")).isEqualTo("s-1");
		assertThat(chat.attribute("gen_ai.usage.input_tokens")).isEqualTo("42");
		assertThat(chat.attribute("fallom.fallback")).isEqualTo("false");
		assertThat(chat.attribute("missing")).isNull();
		assertThat(chat.resourceAttributes()).containsExactly(Map.entry("service.name", "sample-app"));
	}

	@Test
	void decodesGzipEncodedExport() {
		HttpResponse<byte[]> response = this.http.postProtobuf(exportRequest("zipped prompt").toByteArray(), true);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.server.receivedSpans()).extracting(ReceivedSpan::name).containsExactly("http post", "chat gpt-4o");
		assertThat(this.server.requests(Endpoint.TRACES).get(0).header("content-encoding")).isEqualTo("gzip");
	}

	@Test
	void acceptsEmptyExport() {
		assertThat(this.http.postProtobuf(new byte[0], false).statusCode()).isEqualTo(200);
		assertThat(this.server.traceRequests()).hasSize(1);
		assertThat(this.server.receivedSpans()).isEmpty();
	}

	@Test
	void rejectsUndecodableExportWith400() {
		byte[] garbage = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF };
		assertThat(this.http.postProtobuf(garbage, false).statusCode()).isEqualTo(400);
		assertThat(this.server.traceRequests()).isEmpty();
		assertThat(this.server.requestCount(Endpoint.TRACES)).isEqualTo(1);
	}

	@Test
	void rejectsOtlpJsonWith400AsItIsNotATraceRecord() {
		assertThat(this.http.postJson("/v1/traces", "{\"resourceSpans\": []}").statusCode()).isEqualTo(400);
		assertThat(this.server.traceRequests()).isEmpty();
		assertThat(this.server.traceRecords()).isEmpty();
	}

	@Test
	void decodesJsonTraceRecordsOnePerRequest() {
		String record = """
				{"config_key": "support", "session_id": "s-1", "trace_id": "0af7651916cd43dd8448eb211c80319c",
				 "span_id": "b7ad6b7169203331", "name": "chat.completions.create",
				 "start_time": "2026-01-05T10:11:12.345000+00:00", "end_time": "2026-01-05T10:11:12.845000+00:00",
				 "duration_ms": 500, "status": "OK", "kind": "llm", "model": "gpt-4o", "metadata": {"plan": "pro"},
				 "tags": ["beta"], "attributes": {"fallom.sdk_version": "2", "fallom.method": "chat.completions.create",
				 "fallom.raw.usage": "{\\"prompt_tokens\\": 12, \\"completion_tokens\\": 3, \\"total_tokens\\": 15}",
				 "fallom.raw.response": "{\\"text\\": \\"Hello\\"}"}}""";
		assertThat(this.http.postJson("/v1/traces", record).statusCode()).isEqualTo(200);
		assertThat(this.server.traceRequests()).isEmpty();
		assertThat(this.server.traceRecords()).singleElement().satisfies((received) -> {
			assertThat(received.sessionId()).isEqualTo("s-1");
			assertThat(received.kind()).isEqualTo("llm");
			assertThat(received.durationMs()).isEqualTo(500);
			assertThat(received.metadata()).containsEntry("plan", "pro");
			assertThat(received.tags()).containsExactly("beta");
			assertThat(received.tokens("total_tokens")).isEqualTo(15);
			assertThat(received.responseText()).isEqualTo("Hello");
			assertThat(received.hasContent()).isTrue();
		});
		this.server.reset();
		assertThat(this.server.traceRecords()).isEmpty();
	}

	@Test
	void rejectsUnauthorizedExportWithoutRecordingSpans() {
		HttpResponse<byte[]> response = TestHttp.sendBytes(HttpRequest
			.newBuilder(URI.create(this.server.baseUrl() + "/v1/traces"))
			.header("Authorization", "Bearer nope")
			.POST(HttpRequest.BodyPublishers.ofByteArray(exportRequest("p").toByteArray()))
			.build());
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(this.server.traceSpans()).isEmpty();
		assertThat(this.server.unauthorizedCount()).isEqualTo(1);
	}

	@Test
	void allReceivedBytesHoldsEveryBodyDecodedIncludingRejectedOnes() {
		this.http.postProtobuf(exportRequest("prompt in a gzip export").toByteArray(), true);
		this.http.postJson("/sessions", "{\"session_id\": \"session-text\"}");
		TestHttp.send(HttpRequest.newBuilder(URI.create(this.server.baseUrl() + "/spans"))
			.POST(HttpRequest.BodyPublishers.ofString("unauthorized-text"))
			.build());
		this.http.postJson("/unknown", "unknown-path-text");
		String all = new String(this.server.allReceivedBytes(), StandardCharsets.UTF_8);
		assertThat(all).contains("prompt in a gzip export", "session-text", "unauthorized-text", "unknown-path-text");
		assertThat(this.server.allReceivedBytes()).hasSize(this.server.requests()
			.stream()
			.mapToInt((request) -> request.body().length)
			.sum());
	}

	@Test
	void allReceivedBytesLetsPrivacyScansProveTextWasNeverSent() {
		this.http.postProtobuf(exportRequest("visible").toByteArray(), false);
		String all = new String(this.server.allReceivedBytes(), StandardCharsets.UTF_8);
		assertThat(all).contains("visible").doesNotContain("never sent");
	}

	private static ExportTraceServiceRequest exportRequest(String prompt) {
		HexFormat hex = HexFormat.of();
		Span root = Span.newBuilder()
			.setTraceId(ByteString.copyFrom(hex.parseHex(TRACE_ID)))
			.setSpanId(ByteString.copyFrom(hex.parseHex(ROOT_ID)))
			.setName("http post")
			.setKind(Span.SpanKind.SPAN_KIND_SERVER)
			.setStartTimeUnixNano(500L)
			.setEndTimeUnixNano(9_000L)
			.build();
		Span chat = Span.newBuilder()
			.setTraceId(ByteString.copyFrom(hex.parseHex(TRACE_ID)))
			.setSpanId(ByteString.copyFrom(hex.parseHex(CHILD_ID)))
			.setParentSpanId(ByteString.copyFrom(hex.parseHex(ROOT_ID)))
			.setName("chat gpt-4o")
			.setKind(Span.SpanKind.SPAN_KIND_CLIENT)
			.setStartTimeUnixNano(1_000L)
			.setEndTimeUnixNano(5_000L)
			.addAttributes(attribute("gen_ai.system", AnyValue.newBuilder().setStringValue("openai")))
			.addAttributes(attribute("gen_ai.usage.input_tokens", AnyValue.newBuilder().setIntValue(42)))
			.addAttributes(attribute("fallom.weight", AnyValue.newBuilder().setDoubleValue(0.5)))
			.addAttributes(attribute("fallom.fallback", AnyValue.newBuilder().setBoolValue(false)))
			.addAttributes(attribute("fallom.session_id", AnyValue.newBuilder().setStringValue("s-1")))
			.addAttributes(attribute("gen_ai.prompt.0.content", AnyValue.newBuilder().setStringValue(prompt)))
			.addAttributes(attribute("gen_ai.response.finish_reasons",
					AnyValue.newBuilder()
						.setArrayValue(ArrayValue.newBuilder()
							.addValues(AnyValue.newBuilder().setStringValue("stop"))
							.addValues(AnyValue.newBuilder().setStringValue("length")))))
			.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("rate limited"))
			.build();
		Resource resource = Resource.newBuilder()
			.addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue("sample-app")))
			.build();
		return ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(ResourceSpans.newBuilder()
				.setResource(resource)
				.addScopeSpans(ScopeSpans.newBuilder()
					.setScope(InstrumentationScope.newBuilder().setName("spring-web"))
					.addSpans(root))
				.addScopeSpans(ScopeSpans.newBuilder()
					.setScope(InstrumentationScope.newBuilder().setName("spring-ai"))
					.addSpans(chat)))
			.build();
	}

	private static KeyValue attribute(String key, AnyValue.Builder value) {
		return KeyValue.newBuilder().setKey(key).setValue(value).build();
	}

}
