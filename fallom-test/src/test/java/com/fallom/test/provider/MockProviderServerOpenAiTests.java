package com.fallom.test.provider;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import com.fallom.test.provider.ProviderHttp.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the OpenAI Chat Completions side of {@link MockProviderServer}, over real
 * HTTP.
 */
class MockProviderServerOpenAiTests {

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final String REQUEST = """
			{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Weather in Paris?"}]}""";

	private static final String STREAM_REQUEST = """
			{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
			 "messages":[{"role":"user","content":"Weather in Paris?"}]}""";

	@Test
	void answersTextWithRequestedModelFinishReasonAndUsage() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		HttpResponse<String> response = send(REQUEST);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode completion = ProviderHttp.json(response);
		assertThat(completion.path("id").asString()).startsWith("chatcmpl-");
		assertThat(completion.path("object").asString()).isEqualTo("chat.completion");
		assertThat(completion.path("model").asString()).isEqualTo("gpt-4o-mini");
		JsonNode choice = completion.path("choices").path(0);
		assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
		assertThat(choice.path("message").path("content").asString()).isEqualTo("It is sunny.");
		assertThat(choice.path("message").has("tool_calls")).isFalse();
		assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
		assertThat(completion.path("usage").path("prompt_tokens").asInt()).isEqualTo(21);
		assertThat(completion.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
		assertThat(completion.path("usage").path("total_tokens").asInt()).isEqualTo(25);
	}

	@Test
	void answersWithAnotherModelWhenTheReplyNamesOne() {
		provider.server().enqueue(ProviderReply.text("Hi").responseModel("gpt-4o-mini-2024-07-18"));
		assertThat(ProviderHttp.json(send(REQUEST)).path("model").asString()).isEqualTo("gpt-4o-mini-2024-07-18");
	}

	@Test
	void answersToolCallWithFunctionNameArgumentsAndToolCallsFinishReason() {
		provider.server()
			.enqueue(ProviderReply.toolCall("get_weather", "{\"city\":\"Paris\"}").andToolCall("get_time", "{}"));
		JsonNode choice = ProviderHttp.json(send(REQUEST)).path("choices").path(0);
		assertThat(choice.path("finish_reason").asString()).isEqualTo("tool_calls");
		assertThat(choice.path("message").path("content").isNull()).isTrue();
		JsonNode calls = choice.path("message").path("tool_calls");
		assertThat(calls.size()).isEqualTo(2);
		assertThat(calls.path(0).path("id").asString()).startsWith("call_");
		assertThat(calls.path(0).path("type").asString()).isEqualTo("function");
		assertThat(calls.path(0).path("function").path("name").asString()).isEqualTo("get_weather");
		assertThat(calls.path(0).path("function").path("arguments").asString()).isEqualTo("{\"city\":\"Paris\"}");
		assertThat(calls.path(1).path("function").path("name").asString()).isEqualTo("get_time");
		assertThat(calls.path(0).path("id").asString()).isNotEqualTo(calls.path(1).path("id").asString());
	}

	@Test
	void answersTextOnceTheRequestCarriesAToolMessage() {
		provider.server()
			.defaultReply(ProviderReply.toolCall("get_weather", "{\"city\":\"Paris\"}")
				.afterToolResult(ProviderReply.text("Sunny in Paris.")));
		JsonNode first = ProviderHttp.json(send(REQUEST)).path("choices").path(0);
		String callId = first.path("message").path("tool_calls").path(0).path("id").asString();
		HttpResponse<String> second = send("""
				{"model":"gpt-4o-mini","messages":[
				 {"role":"user","content":"Weather in Paris?"},
				 {"role":"assistant","content":null,"tool_calls":[{"id":"%s","type":"function",
				  "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
				 {"role":"tool","tool_call_id":"%s","content":"sunny, 24 C"}]}""".formatted(callId, callId));
		JsonNode answer = ProviderHttp.json(second).path("choices").path(0);
		assertThat(first.path("finish_reason").asString()).isEqualTo("tool_calls");
		assertThat(answer.path("finish_reason").asString()).isEqualTo("stop");
		assertThat(answer.path("message").path("content").asString()).isEqualTo("Sunny in Paris.");
		assertThat(provider.server().requests()).extracting(ProviderRequest::hasToolResult).containsExactly(false, true);
	}

	@Test
	void reportsLengthFinishReasonForATruncatedReply() {
		provider.server().enqueue(ProviderReply.text("It is").truncated());
		assertThat(ProviderHttp.json(send(REQUEST)).path("choices").path(0).path("finish_reason").asString())
			.isEqualTo("length");
	}

	@Test
	void streamsWordChunksThenFinishReasonThenUsageThenDone() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		HttpResponse<String> response = send(STREAM_REQUEST);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/event-stream"));
		List<Event> events = ProviderHttp.events(response.body());
		assertThat(events).extracting(Event::name).containsOnlyNulls();
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Event::json).toList();
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.path("model").asString()).isEqualTo("gpt-4o-mini");
		});
		assertThat(chunks).extracting((chunk) -> chunk.path("id").asString())
			.containsOnly(chunks.get(0).path("id").asString());
		assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asString()).isEqualTo("assistant");
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> text.append(chunk.path("choices").path(0).path("delta").path("content").asString("")));
		assertThat(text).hasToString("It is sunny.");
		assertThat(chunks).hasSize(1 + 3 + 1 + 1);
		JsonNode finish = chunks.get(chunks.size() - 2);
		assertThat(finish.path("choices").path(0).path("finish_reason").asString()).isEqualTo("stop");
		assertThat(finish.path("usage").isNull()).isTrue();
		JsonNode usage = chunks.get(chunks.size() - 1);
		assertThat(usage.path("choices").size()).isZero();
		assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(21);
		assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
		assertThat(usage.path("usage").path("total_tokens").asInt()).isEqualTo(25);
	}

	@Test
	void streamsNoUsageChunkWhenTheRequestDoesNotAskForIt() {
		HttpResponse<String> response = send("""
				{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
		List<Event> events = ProviderHttp.events(response.body());
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		assertThat(events.subList(0, events.size() - 1)).allSatisfy((event) -> {
			assertThat(event.json().has("usage")).isFalse();
			assertThat(event.json().path("choices").size()).isOne();
		});
		assertThat(events.get(events.size() - 2).json().path("choices").path(0).path("finish_reason").asString())
			.isEqualTo("stop");
	}

	@Test
	void streamsToolCallArgumentsInPiecesThatJoinToTheScriptedJson() {
		String arguments = "{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}";
		provider.server().enqueue(ProviderReply.toolCall("get_weather", arguments));
		List<Event> events = ProviderHttp.events(send(STREAM_REQUEST).body());
		List<JsonNode> toolDeltas = events.stream()
			.filter((event) -> !event.data().equals("[DONE]"))
			.map((event) -> event.json().path("choices").path(0).path("delta").path("tool_calls").path(0))
			.filter(JsonNode::isObject)
			.toList();
		assertThat(toolDeltas.size()).isGreaterThan(2);
		assertThat(toolDeltas.get(0).path("id").asString()).startsWith("call_");
		assertThat(toolDeltas.get(0).path("function").path("name").asString()).isEqualTo("get_weather");
		assertThat(toolDeltas).extracting((delta) -> delta.path("index").asInt()).containsOnly(0);
		StringBuilder joined = new StringBuilder();
		toolDeltas.forEach((delta) -> joined.append(delta.path("function").path("arguments").asString()));
		assertThat(joined).hasToString(arguments);
		JsonNode finish = events.get(events.size() - 3).json();
		assertThat(finish.path("choices").path(0).path("finish_reason").asString()).isEqualTo("tool_calls");
	}

	@Test
	void answersErrorStatusWithOpenAiErrorBody() {
		provider.server().enqueue(ProviderReply.error(429, "Rate limit reached"));
		HttpResponse<String> response = send(REQUEST);
		assertThat(response.statusCode()).isEqualTo(429);
		JsonNode error = ProviderHttp.json(response).path("error");
		assertThat(error.path("message").asString()).isEqualTo("Rate limit reached");
		assertThat(error.path("code").asString()).isEqualTo("rate_limit_exceeded");
		assertThat(error.has("type")).isTrue();
	}

	@Test
	void failsAStreamMidwayWithAnErrorChunkAndNoDone() {
		provider.server().enqueue(ProviderReply.text("one two three four").failStreamAfter(2));
		List<Event> events = ProviderHttp.events(send(STREAM_REQUEST).body());
		assertThat(events).hasSize(1 + 2 + 1);
		assertThat(events.get(3).json().path("error").path("message").asString()).isNotEmpty();
		assertThat(events).extracting(Event::data).doesNotContain("[DONE]");
	}

	@Test
	void dropsTheConnectionMidStreamSoTheClientSeesAnIoError() {
		provider.server().enqueue(ProviderReply.text("one two three four").dropStreamAfter(2));
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> send(STREAM_REQUEST));
		// The server goes on answering on new connections
		assertThat(send(REQUEST).statusCode()).isEqualTo(200);
	}

	@Test
	void pacesStreamedChunksSoTheClientCanReadTheFirstAndCancel() throws Exception {
		provider.server().enqueue(ProviderReply.text("one two three").chunkDelay(Duration.ofMinutes(1)));
		HttpResponse<InputStream> response = ProviderHttp.client()
			.send(ProviderHttp.openAi(provider.server(), STREAM_REQUEST), HttpResponse.BodyHandlers.ofInputStream());
		String firstContent;
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			// The role chunk, then the first word, then a minute's pause
			reader.readLine();
			reader.readLine();
			firstContent = reader.readLine();
		}
		assertThat(firstContent).startsWith("data: ").contains("\"content\":\"one\"");
		// Cancelled by closing the body: the server goes on serving
		assertThat(send(REQUEST).statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> send(String json) {
		return ProviderHttp.send(ProviderHttp.openAi(provider.server(), json));
	}

}
