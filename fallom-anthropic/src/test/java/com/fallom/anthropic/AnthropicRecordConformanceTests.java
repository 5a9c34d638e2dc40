package com.fallom.anthropic;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fallom.Fallom;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.TraceRecord;
import com.fallom.test.internal.RecordConformance;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Conformance with the Python SDK's records: every Anthropic case of
 * {@code trace-record-vectors.json} without a Python-only quirk, driven through the
 * official Anthropic Java SDK (sync and async clients) against the mock provider
 * replaying the recorded response, with the case's session and prompt, must send the
 * record the Python SDK sent, compared by {@link RecordConformance}. Streamed, the same
 * exchange (its answer replayed as Anthropic's events) must send the record the Python
 * SDK should have sent, which it never does: the same, plus {@code is_streaming} and
 * {@code time_to_first_token_ms}.
 */
class AnthropicRecordConformanceTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNode vectors = RecordConformance.vectors();

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	@BeforeEach
	void reset() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void close() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (JsonNode c : RecordConformance.anthropicCases(vectors)) {
			for (String client : List.of("sync", "async")) {
				cases.add(Arguments.of(RecordConformance.name(c) + " " + client, c, client.equals("async")));
			}
		}
		return cases.stream();
	}

	@Test
	void everyAnthropicCaseIsDriven() {
		assertThat(RecordConformance.anthropicCases(vectors)).hasSize(15);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void anthropicSdkSendsThePythonSdksRecord(String name, JsonNode c, boolean async) {
		FallomAnthropic anthropic = start(c);
		AnthropicClient client = anthropic.wrap(client());
		AnthropicClientAsync asyncClient = anthropic.wrap(asyncClient());
		int calls = drive(c, (params, ok) -> {
			if (async) {
				if (ok) {
					asyncClient.messages().create(params).join();
				}
				else {
					assertThatException().isThrownBy(() -> asyncClient.messages().create(params).join())
						.isInstanceOf(CompletionException.class);
				}
			}
			else if (ok) {
				client.messages().create(params);
			}
			else {
				assertThatException().isThrownBy(() -> client.messages().create(params));
			}
		}, false);
		List<TraceRecord> records = awaitRecords(calls);
		RecordConformance.assertRecordsConform(records, c, Set.of());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void streamedCallsSendTheRecordThePythonSdkShouldHaveSent(String name, JsonNode c, boolean async) {
		FallomAnthropic anthropic = start(c);
		AnthropicClient client = anthropic.wrap(client());
		AnthropicClientAsync asyncClient = anthropic.wrap(asyncClient());
		List<RawMessageStreamEvent> received = new ArrayList<>();
		int calls = drive(c, (params, ok) -> {
			if (async) {
				var response = asyncClient.messages().createStreaming(params);
				response.subscribe(received::add);
				if (ok) {
					response.onCompleteFuture().join();
				}
				else {
					assertThatException().isThrownBy(() -> response.onCompleteFuture().join());
				}
			}
			else if (ok) {
				try (StreamResponse<RawMessageStreamEvent> response = client.messages().createStreaming(params)) {
					response.stream().forEach(received::add);
				}
			}
			else {
				assertThatException().isThrownBy(() -> client.messages().createStreaming(params).close());
			}
		}, true);
		List<TraceRecord> records = awaitRecords(calls);
		assertThat(records).hasSize(c.get("records").size());
		for (int i = 0; i < records.size(); i++) {
			ObjectNode expected = (ObjectNode) c.get("records").get(i).get("body").deepCopy();
			assertStreamedRecordConforms(records.get(i), expected);
			RecordConformance.assertNoContentWithoutCapture(records.get(i), c);
		}
		if (c.get("exchanges").get(0).get("response").get("status").asInt() == 200) {
			// The caller got every event, the SDK's own
			assertThat(received).hasSize(sse(c.get("exchanges").get(0).get("response").get("body")).size());
		}
	}

	/**
	 * The Python SDK's streaming crash (its wrapper reads {@code .content} on the stream):
	 * replayed with the exact events Anthropic sent, the record is the one it should have
	 * sent, the answer's text joined from the deltas.
	 */
	@Test
	void recordedAnthropicStreamSendsTheRecordThePythonSdkShouldHaveSent() {
		JsonNode c = caseById("d014");
		FallomAnthropic anthropic = start(c);
		AnthropicClient client = anthropic.wrap(client());
		JsonNode response = c.get("exchanges").get(0).get("response");
		List<Map.Entry<String, String>> events = new ArrayList<>();
		StringBuilder text = new StringBuilder();
		for (JsonNode event : response.get("sse")) {
			events.add(new AbstractMap.SimpleEntry<>(event.get("event").asString(),
					mapper.writeValueAsString(event.get("data"))));
			JsonNode delta = event.get("data").get("delta");
			if (delta != null && delta.has("text")) {
				text.append(delta.get("text").asString());
			}
		}
		provider.server().enqueue(ProviderReply.recordedEvents(events));
		JsonNode kwargs = c.get("inputs").get("steps").get(0).get("kwargs");
		try (FallomTrace.Scope scope = this.fallom.trace().withSession(session(c.get("inputs").get("session")));
				StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params(kwargs))) {
			// Every event but the ping, which the SDK keeps to itself
			assertThat(stream.stream().count()).isEqualTo(events.size() - 1);
		}
		TraceRecord record = awaitRecords(1).get(0);

		ObjectNode expected = (ObjectNode) c.get("records").get(0).get("body").deepCopy();
		expected.put("status", "OK");
		expected.remove("error_message");
		ObjectNode attributes = (ObjectNode) expected.get("attributes");
		ObjectNode request = mapper.createObjectNode();
		request.set("messages", kwargs.get("messages"));
		request.putNull("system");
		request.put("model", kwargs.get("model").asString());
		request.putNull("tools");
		request.putNull("tool_choice");
		attributes.put("fallom.raw.request", mapper.writeValueAsString(request));
		JsonNode message = response.get("sse").get(0).get("data").get("message");
		ObjectNode answer = mapper.createObjectNode();
		answer.put("text", text.toString());
		answer.put("finishReason", "end_turn");
		answer.put("responseId", message.get("id").asString());
		answer.put("model", message.get("model").asString());
		answer.set("toolCalls", mapper.createArrayNode());
		answer.set("content", mapper.createArrayNode()
			.add(mapper.createObjectNode().put("type", "text").put("text", text.toString()).putNull("id")));
		attributes.put("fallom.raw.response", mapper.writeValueAsString(answer));
		attributes.put("fallom.raw.usage", "{\"input_tokens\": 37, \"output_tokens\": 55}");
		assertStreamedRecordConforms(record, expected);
		assertThat(text.toString()).isNotEmpty();
	}

	private void assertStreamedRecordConforms(TraceRecord record, ObjectNode expected) {
		assertThat(record.isStreaming()).as("is_streaming").isTrue();
		Map<String, Object> body = new LinkedHashMap<>(record.body());
		expected.put("is_streaming", true);
		if (!"ERROR".equals(record.status())) {
			// Measured, so only its presence is compared
			assertThat(record.timeToFirstTokenMs()).as("time_to_first_token_ms").isNotNull().isNotNegative();
			expected.put("time_to_first_token_ms", 0);
			body.put("time_to_first_token_ms", 0);
		}
		RecordConformance.assertConforms(new TraceRecord(body), expected, Set.of());
	}

	private FallomAnthropic start(JsonNode c) {
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(RecordConformance.capturesContent(c))
			.build();
		return FallomAnthropic.create(this.fallom);
	}

	private static AnthropicClient client() {
		return AnthropicOkHttpClient.builder()
			.baseUrl(provider.server().anthropicBaseUrl())
			.apiKey("sk-ant-test")
			.maxRetries(0)
			.build();
	}

	private static AnthropicClientAsync asyncClient() {
		return AnthropicOkHttpClientAsync.builder()
			.baseUrl(provider.server().anthropicBaseUrl())
			.apiKey("sk-ant-test")
			.maxRetries(0)
			.build();
	}

	@FunctionalInterface
	private interface Call {

		void make(MessageCreateParams params, boolean ok);

	}

	/**
	 * Run a case's steps: its prompt, then each call in the case's session with the
	 * recorded answer (as events when streamed) queued at the mock provider.
	 * @return the number of calls made
	 */
	private int drive(JsonNode c, Call call, boolean streamed) {
		JsonNode inputs = c.get("inputs");
		FallomSessionContext session = session(inputs.get("session"));
		PromptContext prompt = null;
		int exchange = 0;
		int calls = 0;
		for (int step = 0; step < inputs.get("steps").size(); step++) {
			JsonNode s = inputs.get("steps").get(step);
			String op = s.get("op").asString();
			if (op.startsWith("prompts.")) {
				JsonNode p = RecordConformance.outcome(c, step).get("prompt_result");
				prompt = new PromptContext(p.get("key").asString(), p.get("version").asInt(),
						RecordConformance.text(p, "ab_test_key"),
						p.hasNonNull("variant_index") ? p.get("variant_index").asInt() : null);
			}
			else if (op.equals("anthropic.messages.create")) {
				JsonNode response = c.get("exchanges").get(exchange++).get("response");
				int status = response.get("status").asInt();
				provider.server().enqueue((streamed && status == 200) ? ProviderReply.recordedEvents(sse(response.get("body")))
						: ProviderReply.recorded(status, mapper.writeValueAsString(response.get("body"))));
				MessageCreateParams params = params(s.get("kwargs"));
				try (FallomTrace.Scope scope = this.fallom.trace().withSession(session);
						PromptScope promptScope = (prompt != null) ? FallomAnthropic.withPrompt(prompt) : null) {
					call.make(params, status == 200);
				}
				calls++;
			}
		}
		return calls;
	}

	private static List<TraceRecord> awaitRecords(int count) {
		await().atMost(Duration.ofSeconds(20)).until(() -> fallomServer.server().traceRecords().size() >= count);
		return fallomServer.server().traceRecords();
	}

	/**
	 * The SDK's request of a case: its keyword arguments read as the SDK's own request
	 * body, so the request is the one the Python SDK sent.
	 */
	static MessageCreateParams params(JsonNode kwargs) {
		ObjectNode body = (ObjectNode) kwargs.deepCopy();
		body.remove("stream");
		try {
			return MessageCreateParams.builder()
				.body(ObjectMappers.jsonMapper()
					.readValue(mapper.writeValueAsString(body), MessageCreateParams.Body.class))
				.build();
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static FallomSessionContext session(JsonNode s) {
		FallomSessionContext session = new FallomSessionContext(s.get("config_key").asString(),
				s.get("session_id").asString(), RecordConformance.text(s, "customer_id"));
		if (s.has("metadata")) {
			session = session.withMetadata(mapper.convertValue(s.get("metadata"), LinkedHashMap.class));
		}
		if (s.has("tags")) {
			session = session.withTags(mapper.convertValue(s.get("tags"), List.class));
		}
		return session;
	}

	/**
	 * A recorded message as the events Anthropic streams it in: the envelope, each block
	 * started, given in one delta and stopped, the stop reason with the output tokens, the
	 * stop.
	 */
	static List<Map.Entry<String, String>> sse(JsonNode message) {
		List<Map.Entry<String, String>> events = new ArrayList<>();
		ObjectNode start = (ObjectNode) message.deepCopy();
		start.set("content", mapper.createArrayNode());
		start.putNull("stop_reason");
		start.putNull("stop_sequence");
		((ObjectNode) start.get("usage")).put("output_tokens", 1);
		event(events, "message_start", mapper.createObjectNode().put("type", "message_start").set("message", start));
		ArrayNode blocks = (ArrayNode) message.get("content");
		for (int i = 0; i < blocks.size(); i++) {
			JsonNode block = blocks.get(i);
			ObjectNode empty = (ObjectNode) block.deepCopy();
			ObjectNode delta = mapper.createObjectNode();
			if (block.get("type").asString().equals("text")) {
				empty.put("text", "");
				delta.put("type", "text_delta").put("text", block.get("text").asString());
			}
			else {
				empty.set("input", mapper.createObjectNode());
				delta.put("type", "input_json_delta").put("partial_json", mapper.writeValueAsString(block.get("input")));
			}
			event(events, "content_block_start",
					mapper.createObjectNode().put("type", "content_block_start").put("index", i).set("content_block", empty));
			event(events, "content_block_delta",
					mapper.createObjectNode().put("type", "content_block_delta").put("index", i).set("delta", delta));
			event(events, "content_block_stop", mapper.createObjectNode().put("type", "content_block_stop").put("index", i));
		}
		ObjectNode messageDelta = mapper.createObjectNode().put("type", "message_delta");
		messageDelta.set("delta", mapper.createObjectNode()
			.put("stop_reason", message.get("stop_reason").asString())
			.set("stop_sequence", message.get("stop_sequence")));
		messageDelta.set("usage", mapper.createObjectNode().put("output_tokens", message.get("usage").get("output_tokens").asInt()));
		event(events, "message_delta", messageDelta);
		event(events, "message_stop", mapper.createObjectNode().put("type", "message_stop"));
		return events;
	}

	private static void event(List<Map.Entry<String, String>> events, String name, JsonNode data) {
		events.add(new AbstractMap.SimpleEntry<>(name, mapper.writeValueAsString(data)));
	}

	private static JsonNode caseById(String id) {
		for (JsonNode c : vectors.get("cases")) {
			if (c.get("id").asString().equals(id)) {
				return c;
			}
		}
		throw new IllegalStateException("No case " + id);
	}

}
