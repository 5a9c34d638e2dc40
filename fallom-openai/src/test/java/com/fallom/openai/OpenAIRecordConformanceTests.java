package com.fallom.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
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
 * Conformance with the Python SDK's records: every OpenAI Chat Completions and Responses
 * case of {@code trace-record-vectors.json} without a Python-only quirk, made through the
 * official OpenAI Java SDK (sync or async, as the case's client) against the mock provider
 * replaying the recorded response, with the case's session, prompt and trace context,
 * must send the record the Python SDK sent, compared by {@link RecordConformance}. The
 * stream cases, where the Python SDK breaks, must send the record it should have sent:
 * the one of the same answer unstreamed, with {@code is_streaming} and
 * {@code time_to_first_token_ms}.
 */
class OpenAIRecordConformanceTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNode vectors = RecordConformance.vectors();

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	private OpenAIClient client;

	@BeforeEach
	void reset() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	static Stream<Arguments> cases() {
		List<JsonNode> cases = new ArrayList<>(RecordConformance.chatCases(vectors));
		cases.addAll(RecordConformance.responsesCases(vectors));
		return cases.stream().map((c) -> Arguments.of(RecordConformance.name(c), c));
	}

	static Stream<Arguments> streamCases() {
		List<Arguments> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("cases")) {
			String shape = c.get("shape").asString();
			if (shape.startsWith("openai.") && shape.contains("stream")) {
				cases.add(Arguments.of(RecordConformance.name(c), c));
			}
		}
		return cases.stream();
	}

	@Test
	void everyOpenAiCaseIsDriven() {
		assertThat(RecordConformance.chatCases(vectors)).hasSize(37);
		assertThat(RecordConformance.responsesCases(vectors)).hasSize(6);
		assertThat(streamCases().count()).isEqualTo(4);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void openAiSdkSendsThePythonSdksRecord(String name, JsonNode c) {
		start(c);
		JsonNode inputs = c.get("inputs");
		FallomSessionContext session = session(inputs.get("session"));
		PromptContext prompt = null;
		Context traceContext = Context.root();
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
			else if (op.equals("internal.set_trace_context")) {
				traceContext = Context.root()
					.with(Span.wrap(SpanContext.create(s.get("trace_id").asString(), s.get("parent_span_id").asString(),
							TraceFlags.getSampled(), TraceState.getDefault())));
			}
			else if (op.startsWith("openai.")) {
				JsonNode response = c.get("exchanges").get(exchange++).get("response");
				provider.server()
					.enqueue(ProviderReply.recorded(response.get("status").asInt(),
							mapper.writeValueAsString(response.get("body"))));
				boolean async = "async".equals(s.get("client").asString());
				Runnable call = () -> call(op, s.get("kwargs"), async);
				try (FallomTrace.Scope scope = this.fallom.trace().withSession(session);
						FallomOpenAI.PromptScope promptScope = FallomOpenAI.withPrompt(prompt);
						io.opentelemetry.context.Scope trace = traceContext.makeCurrent()) {
					if (response.get("status").asInt() == 200) {
						call.run();
					}
					else {
						assertThatException().isThrownBy(call::run);
					}
				}
				calls++;
			}
		}
		awaitRecords(calls);
		RecordConformance.assertRecordsConform(fallomServer.server().traceRecords(), c, Set.of());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("streamCases")
	void aStreamSendsTheRecordThePythonSdkShouldHaveSent(String name, JsonNode c) {
		start(c);
		JsonNode inputs = c.get("inputs");
		JsonNode kwargs = inputs.get("steps").get(0).get("kwargs");
		JsonNode exchange = c.get("exchanges").get(0);
		List<String> events = new ArrayList<>();
		for (JsonNode event : exchange.get("response").get("sse")) {
			JsonNode data = event.get("data");
			String text = data.isString() ? data.asString() : mapper.writeValueAsString(data);
			events.add((event.hasNonNull("event") ? "event: " + event.get("event").asString() + "\n" : "")
					+ "data: " + text);
		}
		provider.server().enqueue(ProviderReply.recordedStream(events));
		boolean responses = c.get("shape").asString().startsWith("openai.responses");
		int chunks;
		try (FallomTrace.Scope scope = this.fallom.trace().withSession(session(inputs.get("session")))) {
			if (responses) {
				try (StreamResponse<ResponseStreamEvent> stream = this.client.responses()
					.createStreaming(responsesParams(kwargs))) {
					chunks = (int) stream.stream().count();
				}
			}
			else {
				try (StreamResponse<ChatCompletionChunk> stream = this.client.chat()
					.completions()
					.createStreaming(chatParams(kwargs))) {
					chunks = (int) stream.stream().count();
				}
			}
		}
		assertThat(chunks).as("chunks the caller got").isEqualTo(events.size() - (responses ? 0 : 1));
		awaitRecords(1);
		TraceRecord record = fallomServer.server().traceRecords().get(0);
		assertThat(record.body()).containsEntry("is_streaming", true).containsKey("time_to_first_token_ms");
		long timeToFirstToken = ((Number) record.body().get("time_to_first_token_ms")).longValue();
		assertThat(timeToFirstToken).isBetween(0L, record.durationMs());
		RecordConformance.assertConforms(record, shouldHaveSent(c, exchange, timeToFirstToken), Set.of());
	}

	/**
	 * The record of the same exchange unstreamed: the Python SDK's record shape, from the
	 * answer the stream carried.
	 */
	private static JsonNode shouldHaveSent(JsonNode c, JsonNode exchange, long timeToFirstToken) {
		ObjectNode body = (ObjectNode) c.get("records").get(0).get("body").deepCopy();
		body.put("status", "OK");
		body.remove("error_message");
		body.put("is_streaming", true);
		body.put("time_to_first_token_ms", (int) timeToFirstToken);
		JsonNode kwargs = c.get("inputs").get("steps").get(0).get("kwargs");
		ObjectNode attributes = body.putObject("attributes");
		attributes.put("fallom.sdk_version", "2");
		attributes.put("fallom.method", body.get("name").asString());
		JsonNode sse = exchange.get("response").get("sse");
		if (body.get("name").asString().equals("responses.create")) {
			JsonNode response = null;
			for (JsonNode event : sse) {
				if ("response.completed".equals(event.path("event").asString(""))) {
					response = event.get("data").get("response");
				}
			}
			body.put("model", response.get("model").asString());
			ObjectNode request = mapper.createObjectNode();
			request.set("model", kwargs.get("model"));
			request.set("input", kwargs.get("input"));
			request.putNull("instructions");
			request.putNull("tools");
			attributes.put("fallom.raw.request", mapper.writeValueAsString(request));
			ObjectNode raw = mapper.createObjectNode();
			raw.set("responseId", response.get("id"));
			raw.set("model", response.get("model"));
			raw.set("status", response.get("status"));
			ArrayNode output = raw.putArray("output");
			String text = null;
			for (JsonNode item : response.get("output")) {
				ObjectNode o = output.addObject();
				o.set("type", item.get("type"));
				ArrayNode parts = o.putArray("content");
				for (JsonNode part : item.get("content")) {
					parts.addObject().put("type", "text").put("text", part.get("text").asString());
					text = (text == null) ? part.get("text").asString() : text;
				}
			}
			raw.put("text", text);
			attributes.put("fallom.raw.response", mapper.writeValueAsString(raw));
			JsonNode usage = response.get("usage");
			attributes.put("fallom.raw.usage",
					mapper.writeValueAsString(mapper.createObjectNode()
						.put("prompt_tokens", usage.get("input_tokens").asInt())
						.put("completion_tokens", usage.get("output_tokens").asInt())
						.put("total_tokens", usage.get("total_tokens").asInt())));
			return body;
		}
		ObjectNode request = mapper.createObjectNode();
		for (String field : List.of("messages", "model", "tools", "tool_choice", "functions", "function_call")) {
			request.set(field, kwargs.has(field) ? kwargs.get(field) : mapper.nullNode());
		}
		attributes.put("fallom.raw.request", mapper.writeValueAsString(request));
		StringBuilder text = new StringBuilder();
		ObjectNode raw = mapper.createObjectNode();
		JsonNode usage = null;
		for (JsonNode event : sse) {
			JsonNode data = event.get("data");
			if (!data.isObject()) {
				continue;
			}
			raw.set("responseId", data.get("id"));
			raw.set("model", data.get("model"));
			for (JsonNode choice : data.get("choices")) {
				text.append(choice.path("delta").path("content").asString(""));
				if (choice.hasNonNull("finish_reason")) {
					raw.set("finishReason", choice.get("finish_reason"));
				}
			}
			if (data.hasNonNull("usage")) {
				usage = data.get("usage");
			}
		}
		raw.put("text", text.toString());
		body.put("model", raw.get("model").asString());
		attributes.put("fallom.raw.response", mapper.writeValueAsString(raw));
		if (usage != null) {
			attributes.put("fallom.raw.usage",
					mapper.writeValueAsString(mapper.createObjectNode()
						.put("prompt_tokens", usage.get("prompt_tokens").asInt())
						.put("completion_tokens", usage.get("completion_tokens").asInt())
						.put("total_tokens", usage.get("total_tokens").asInt())));
		}
		return body;
	}

	private void start(JsonNode c) {
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(RecordConformance.capturesContent(c))
			.build();
		this.client = FallomOpenAI.create(this.fallom)
			.wrap(OpenAIOkHttpClient.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.maxRetries(0)
				.build());
	}

	private void call(String op, JsonNode kwargs, boolean async) {
		if (op.equals("openai.chat.completions.create")) {
			if (async) {
				this.client.async().chat().completions().create(chatParams(kwargs)).join();
			}
			else {
				this.client.chat().completions().create(chatParams(kwargs));
			}
		}
		else if (op.equals("openai.responses.create")) {
			if (async) {
				this.client.async().responses().create(responsesParams(kwargs)).join();
			}
			else {
				this.client.responses().create(responsesParams(kwargs));
			}
		}
		else {
			throw new IllegalStateException("Unknown step " + op);
		}
	}

	/** The case's arguments as the SDK's own params: the body it sends is the case's. */
	static ChatCompletionCreateParams chatParams(JsonNode kwargs) {
		return ChatCompletionCreateParams.builder().body(sdkBody(kwargs, ChatCompletionCreateParams.Body.class)).build();
	}

	static ResponseCreateParams responsesParams(JsonNode kwargs) {
		return ResponseCreateParams.builder().body(sdkBody(kwargs, ResponseCreateParams.Body.class)).build();
	}

	private static <T> T sdkBody(JsonNode kwargs, Class<T> type) {
		ObjectNode body = (ObjectNode) kwargs.deepCopy();
		// createStreaming sets it
		body.remove("stream");
		try {
			return ObjectMappers.jsonMapper().readValue(mapper.writeValueAsString(body), type);
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitRecords(int expected) {
		await().atMost(Duration.ofSeconds(20)).until(() -> fallomServer.server().traceRecords().size() >= expected);
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

}
