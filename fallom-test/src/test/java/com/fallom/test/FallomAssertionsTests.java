package com.fallom.test;

import java.util.List;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.fallom.test.FallomMockServer.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the typed recordings of {@link FallomMockServer} and the one-line assertions
 * of {@link FallomAssertions}, against what real HTTP requests delivered.
 */
class FallomAssertionsTests {

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
	void sessionRecordsAreTypedAndAssertableInOneLine() {
		this.http.postJson("/sessions",
				"{\"config_key\":\"support\",\"config_version\":3,\"session_id\":\"s1\",\"assigned_model\":\"gpt-4o\"}");
		assertThat(this.server.sessionRecords()).singleElement()
			.isEqualTo(new SessionRecord("support", 3, "s1", "gpt-4o", this.server.sessions().get(0)));
		FallomAssertions.assertThat(this.server)
			.recordedSession("s1")
			.withModel("gpt-4o")
			.withConfigKey("support")
			.withConfigVersion(3);
	}

	@Test
	void recordedSessionFailsWithWhatTheMockReceived() {
		this.http.postJson("/sessions", "{\"config_key\":\"support\",\"session_id\":\"s1\",\"assigned_model\":\"claude\"}");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).recordedSession("s1").withModel("gpt-4o"))
			.withMessageContaining("Expected session <s1> to be assigned model <gpt-4o> but it was <claude>");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).recordedSession("s2"))
			.withMessageContaining("session <s2>")
			.withMessageContaining("s1");
	}

	@Test
	void metricsRecordsAreTypedAndAssertable() {
		this.http.postJson("/spans",
				"{\"config_key\":\"support\",\"session_id\":\"s1\",\"data\":{\"satisfaction\":4,\"resolved\":true}}");
		MetricsRecord record = this.server.metricsRecords().get(0);
		assertThat(record.sessionId()).isEqualTo("s1");
		assertThat(record.number("satisfaction")).isEqualTo(4.0);
		assertThat(record.bool("resolved")).isTrue();
		assertThat(record.number("resolved")).isNull();
		FallomAssertions.assertThat(this.server)
			.recordedMetrics("s1")
			.hasMetric("satisfaction", 4)
			.hasMetric("resolved", true);
	}

	@Test
	void exportedSpansHaveTypedAttributes() {
		this.http.postProtobuf(export(chatSpan("s1", 12, false), chatSpan("s2", 7, true)).toByteArray(), false);
		ExportedSpan span = this.server.exportedSpans().get(0);
		assertThat(span.stringAttribute("gen_ai.request.model")).isEqualTo("gpt-4o");
		assertThat(span.longAttribute("gen_ai.usage.input_tokens")).isEqualTo(12L);
		assertThat(span.doubleAttribute("fallom.weight")).isEqualTo(0.5);
		assertThat(span.booleanAttribute("fallom.fallback")).isFalse();
		assertThat(span.arrayAttribute("gen_ai.response.finish_reasons")).containsExactly("stop");
		assertThat(span.longAttribute("gen_ai.request.model")).isNull();
		assertThat(span.stringAttribute("absent")).isNull();
		assertThat(span.sessionId()).isEqualTo("s1");
		assertThat(span.isChat()).isTrue();
		assertThat(span.hasContent()).isFalse();
		assertThat(span.duration()).hasNanos(4_000);
	}

	@Test
	void exportedChatSpanNarrowsToASessionAndChecksTokensAndContent() {
		this.http.postProtobuf(export(chatSpan("s1", 12, false), chatSpan("s2", 7, true)).toByteArray(), false);
		FallomAssertions.assertThat(this.server)
			.exportedChatSpan()
			.forSession("s1")
			.hasModel("gpt-4o")
			.hasInputTokens(12)
			.hasNoContent();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).exportedChatSpan().forSession("s2").hasNoContent())
			.withMessageContaining("to carry no prompt or completion text")
			.withMessageContaining("gen_ai.prompt.0.content");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).exportedChatSpan().hasInputTokens(12))
			.withMessageContaining("Expected one span but the selection holds 2");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).exportedChatSpan().forSession("s1").hasInputTokens(13))
			.withMessageContaining("gen_ai.usage.input_tokens=<13> but it had <12>");
	}

	@Test
	void exportedChatSpanFailsWhenNoChatSpanArrived() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> FallomAssertions.assertThat(this.server).exportedChatSpan())
			.withMessageContaining("Expected a chat span");
		FallomAssertions.assertThat(this.server).hasNoRecordedSessions().hasNoUnauthorizedRequests();
	}

	@Test
	void putConfigServesVariantsInTheOrderGiven() {
		this.server.putConfig("support", 3, variant("gpt-4o", 50), variant("claude", 30), variant("gemini", 20.5));
		assertThat(this.http.get("/configs").body()).isEqualTo("{\"configs\":[{\"key\":\"support\",\"version\":3,"
				+ "\"variants\":[{\"model\":\"gpt-4o\",\"weight\":50},{\"model\":\"claude\",\"weight\":30},"
				+ "{\"model\":\"gemini\",\"weight\":20.5}]}]}");
	}

	private static Span chatSpan(String sessionId, long inputTokens, boolean content) {
		Span.Builder span = Span.newBuilder()
			.setTraceId(ByteString.copyFrom(new byte[16]))
			.setSpanId(ByteString.copyFrom(new byte[8]))
			.setName("chat gpt-4o")
			.setKind(Span.SpanKind.SPAN_KIND_CLIENT)
			.setStartTimeUnixNano(1_000L)
			.setEndTimeUnixNano(5_000L)
			.addAttributes(attribute("gen_ai.request.model", AnyValue.newBuilder().setStringValue("gpt-4o")))
			.addAttributes(attribute("gen_ai.usage.input_tokens", AnyValue.newBuilder().setIntValue(inputTokens)))
			.addAttributes(attribute("fallom.weight", AnyValue.newBuilder().setDoubleValue(0.5)))
			.addAttributes(attribute("fallom.fallback", AnyValue.newBuilder().setBoolValue(false)))
			.addAttributes(attribute("fallom.session_id", AnyValue.newBuilder().setStringValue(sessionId)))
			.addAttributes(attribute("gen_ai.response.finish_reasons", AnyValue.newBuilder()
				.setArrayValue(ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("stop")))));
		if (content) {
			span.addAttributes(attribute("gen_ai.prompt.0.content", AnyValue.newBuilder().setStringValue("Hello")));
		}
		return span.build();
	}

	private static ExportTraceServiceRequest export(Span... spans) {
		return ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
			.build();
	}

	private static KeyValue attribute(String key, AnyValue.Builder value) {
		return KeyValue.newBuilder().setKey(key).setValue(value).build();
	}

}
