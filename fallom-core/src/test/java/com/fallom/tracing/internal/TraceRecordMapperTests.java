package com.fallom.tracing.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.tracing.internal.TracedCall.Message;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.ToolSpec;
import com.fallom.tracing.internal.TracedCall.ToolTiming;
import com.fallom.tracing.internal.TracedCall.Usage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The record mapper's own rules, beyond what the Python SDK's vectors show: privacy,
 * caps, kinds other than model calls, streams, manual spans.
 */
class TraceRecordMapperTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static TracedCall chatWithTools() {
		return new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS)
			.integration("spring-ai")
			.ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null)
			.times(1_767_607_872_345L, 1_767_607_872_845L)
			.session("support-bot", "s-1", "cust-1", Map.of("plan", "pro"), List.of("beta"))
			.requestModel("gpt-4o")
			.message(Message.of("user", "secret question"))
			.tool(new ToolSpec("lookup_order", "Find an order", "{\"type\":\"object\"}"))
			.response("gpt-4o-2024", null, "tool_calls", "chatcmpl-1")
			.responseToolCall(new ToolCall("call_1", "lookup_order", "{\"id\":\"secret-arg\"}"))
			.usage(new Usage(10, 5, null));
	}

	private static JsonNode record(TraceRecordMapper recordMapper, TracedCall call) {
		return mapper.readTree(recordMapper.toJson(call));
	}

	private static JsonNode raw(JsonNode record, String key) {
		return mapper.readTree(record.get("attributes").get(key).asString());
	}

	@Test
	void privacyModeSendsNoContentAndNoToolNames() {
		byte[] json = new TraceRecordMapper(false).toJson(chatWithTools().error(new IllegalStateException("secret")));
		String text = new String(json, StandardCharsets.UTF_8);
		assertThat(text).doesNotContain("secret", "lookup_order", "fallom.raw.request", "fallom.raw.response");
		JsonNode ok = record(new TraceRecordMapper(false), chatWithTools());
		assertThat(ok.toString()).doesNotContain("secret", "lookup_order");
		assertThat(raw(ok, "fallom.raw.usage").get("total_tokens").asInt()).isEqualTo(15);
		assertThat(raw(ok, "fallom.raw.timings").get("toolCalls").get(0).get("id").asString()).isEqualTo("call_1");
		// Positive control: with capture on the same call carries them
		JsonNode captured = record(new TraceRecordMapper(true), chatWithTools());
		assertThat(captured.toString()).contains("secret question", "lookup_order", "secret-arg");
	}

	@Test
	void errorMessageIsTheExceptionTypeInPrivacyModeAndTheMessageOtherwise() {
		TracedCall call = chatWithTools().error(new IllegalStateException("provider said no"));
		assertThat(record(new TraceRecordMapper(false), call).get("error_message").asString())
			.isEqualTo("java.lang.IllegalStateException");
		JsonNode record = record(new TraceRecordMapper(true), call);
		assertThat(record.get("error_message").asString()).isEqualTo("provider said no");
		assertThat(record.get("status").asString()).isEqualTo("ERROR");
		assertThat(record.get("model").asString()).isEqualTo("gpt-4o");
	}

	@Test
	void valuesLongerThanTheCapAreCutAndMarked() {
		TracedCall call = chatWithTools().message(Message.of("user", "x".repeat(100)));
		JsonNode record = record(new TraceRecordMapper(true, 40, TraceRecordMapper.DEFAULT_MAX_RECORD_BYTES), call);
		assertThat(raw(record, "fallom.raw.request").get("messages").get(1).get("content").asString())
			.isEqualTo("x".repeat(40));
		assertThat(record.get("attributes").get("fallom.truncated").asString()).isEqualTo("value");
		assertThat(record(new TraceRecordMapper(true), call).get("attributes").has("fallom.truncated")).isFalse();
	}

	@Test
	void recordOverTheLimitShedsContentButKeepsSessionModelUsageAndStatus() {
		TracedCall call = chatWithTools().message(Message.of("user", "y".repeat(20_000)));
		TraceRecordMapper recordMapper = new TraceRecordMapper(true, 32_768, 4_096);
		byte[] json = recordMapper.toJson(call);
		assertThat(json.length).isLessThan(4_096);
		JsonNode record = mapper.readTree(json);
		assertThat(record.get("attributes").has("fallom.raw.request")).isFalse();
		assertThat(record.get("attributes").has("fallom.raw.response")).isFalse();
		assertThat(record.get("attributes").get("fallom.truncated").asString()).isEqualTo("record");
		assertThat(record.get("session_id").asString()).isEqualTo("s-1");
		assertThat(record.get("metadata").get("plan").asString()).isEqualTo("pro");
		assertThat(record.get("model").asString()).isEqualTo("gpt-4o-2024");
		assertThat(record.get("status").asString()).isEqualTo("OK");
		assertThat(raw(record, "fallom.raw.usage").get("prompt_tokens").asInt()).isEqualTo(10);
	}

	@Test
	void streamedCallCarriesStreamingFieldsAndFirstTokenTime() {
		JsonNode record = record(new TraceRecordMapper(true), chatWithTools().streamed(120L));
		assertThat(record.get("is_streaming").asBoolean()).isTrue();
		assertThat(record.get("time_to_first_token_ms").asLong()).isEqualTo(120);
		assertThat(raw(record, "fallom.raw.timings").get("firstTokenTime").asLong()).isEqualTo(120);
		assertThat(record.get("attributes").get("fallom.integration").asString()).isEqualTo("spring-ai");
	}

	@Test
	void runCarriesMeasuredToolTimingsAndItsParent() {
		TracedCall run = new TracedCall().kind(TracedCall.Kind.CHAIN, "chain.ChatClient")
			.ids("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7", "b7ad6b7169203331")
			.times(1000, 1900)
			.input(Map.of("question", "hi"))
			.output("hello")
			.toolTiming(new ToolTiming("call_1", "lookup_order", 300, 250));
		JsonNode record = record(new TraceRecordMapper(true), run);
		assertThat(record.get("kind").asString()).isEqualTo("chain");
		assertThat(record.get("parent_span_id").asString()).isEqualTo("b7ad6b7169203331");
		assertThat(record.has("model")).isFalse();
		JsonNode timing = raw(record, "fallom.raw.timings").get("toolTimings").get(0);
		assertThat(timing.get("name").asString()).isEqualTo("lookup_order");
		assertThat(timing.get("startTime").asLong()).isEqualTo(300);
		assertThat(timing.get("endTime").asLong()).isEqualTo(550);
		assertThat(raw(record, "fallom.raw.request").get("question").asString()).isEqualTo("hi");
		assertThat(raw(record, "fallom.raw.response").asString()).isEqualTo("hello");
		JsonNode hidden = record(new TraceRecordMapper(false), run);
		assertThat(hidden.toString()).doesNotContain("lookup_order", "question", "hello");
	}

	@Test
	void manualSpanCarriesItsTypeAndRawAttributeValues() {
		TracedCall span = new TracedCall().kind(TracedCall.Kind.RETRIEVAL, "search-docs")
			.manual()
			.ids("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7", null)
			.times(1000, 1010)
			.attribute("documents", 5)
			.attribute("filters", Map.of("lang", "en"));
		JsonNode attributes = record(new TraceRecordMapper(false), span).get("attributes");
		assertThat(attributes.get("fallom.span_type").asString()).isEqualTo("manual");
		assertThat(attributes.get("documents").asInt()).isEqualTo(5);
		assertThat(attributes.get("filters").get("lang").asString()).isEqualTo("en");
	}

	@Test
	void rejectsCapsThatAreNotPositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TraceRecordMapper(true, 0, 10))
			.withMessageContaining("maxContentLength");
		assertThatIllegalArgumentException().isThrownBy(() -> new TraceRecordMapper(true, 10, 0))
			.withMessageContaining("maxRecordBytes");
	}

	@Test
	void aResponsesCallTakesThePythonSdksResponsesShape() {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("input", "Write a haiku");
		request.put("model", "gpt-4.1-mini");
		request.put("temperature", 0.3);
		request.put("tool_choice", "auto");
		List<Object> output = List.of(Map.of("type", "reasoning", "id", "rs_1"),
				Map.of("type", "message", "content",
						List.of(Map.of("type", "output_text", "text", "Parcels in the rain", "annotations", List.of()),
								Map.of("type", "refusal", "refusal", "no"))),
				Map.of("type", "function_call", "name", "lookup", "arguments", "{}", "call_id", "call_9"));
		TracedCall call = new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.RESPONSES)
			.api(TracedCall.Api.RESPONSES)
			.ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", null)
			.times(1_767_607_872_345L, 1_767_607_872_845L)
			.requestModel("gpt-4.1-mini")
			.providerRequest(request)
			.response("gpt-4.1-mini-2025", null, null, "resp_1")
			.responseStatus("completed")
			.output(output)
			.usage(new Usage(9, 5, 14))
			.attempts(2);
		JsonNode record = record(new TraceRecordMapper(true), call);
		assertThat(record.get("name").asString()).isEqualTo("responses.create");
		assertThat(record.get("attributes").get("fallom.attempts").asString()).isEqualTo("2");
		assertThat(raw(record, "fallom.raw.request")).isEqualTo(mapper.readTree(
				"{\"model\":\"gpt-4.1-mini\",\"input\":\"Write a haiku\",\"instructions\":null,\"tools\":null,"
						+ "\"temperature\":0.3}"));
		assertThat(raw(record, "fallom.raw.response")).isEqualTo(mapper.readTree("{\"responseId\":\"resp_1\","
				+ "\"model\":\"gpt-4.1-mini-2025\",\"status\":\"completed\",\"output\":[{\"type\":\"reasoning\","
				+ "\"content\":[]},{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"Parcels in the rain\"},"
				+ "{\"type\":\"refusal\"}]},{\"type\":\"function_call\",\"name\":\"lookup\",\"arguments\":\"{}\","
				+ "\"call_id\":\"call_9\"}],\"text\":\"Parcels in the rain\"}"));
		assertThat(raw(record, "fallom.raw.usage")).isEqualTo(
				mapper.readTree("{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}"));
		assertThat(raw(record, "fallom.raw.timings").has("toolCalls")).isFalse();
	}

	@Test
	void aProviderSdksRequestIsCopiedAsTheCallerSentIt() {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("model", "gpt-4o");
		request.put("messages", List.of(Map.of("role", "user", "name", "ann", "content", "Hi")));
		request.put("temperature", 0.2);
		JsonNode record = record(new TraceRecordMapper(true), chatWithTools().providerRequest(request));
		assertThat(raw(record, "fallom.raw.request")).isEqualTo(mapper.readTree("{\"messages\":[{\"role\":\"user\","
				+ "\"name\":\"ann\",\"content\":\"Hi\"}],\"model\":\"gpt-4o\",\"tools\":null,\"tool_choice\":null,"
				+ "\"functions\":null,\"function_call\":null}"));
		assertThat(record.get("attributes").has("fallom.attempts")).isFalse();
	}

	@Test
	void countsTheAttemptsOfARetriedCallOnlyWhenItWasRetried() {
		TracedCall retried = new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.MESSAGES_CREATE)
			.ids("0123456789abcdef0123456789abcdef", "0123456789abcdef", null)
			.times(1000, 1200)
			.attempts(3);
		TracedCall once = new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.MESSAGES_CREATE)
			.ids("0123456789abcdef0123456789abcdef", "0123456789abcdef", null)
			.times(1000, 1200);
		TraceRecordMapper recordMapper = new TraceRecordMapper(false);
		assertThat(mapper.readTree(recordMapper.toJson(retried)).get("attributes").get("fallom.attempts").asString())
			.isEqualTo("3");
		assertThat(mapper.readTree(recordMapper.toJson(once)).get("attributes").has("fallom.attempts")).isFalse();
	}

}
