package com.fallom.test.provider;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import com.fallom.test.provider.ProviderHttp.Event;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the Anthropic Messages side of {@link MockProviderServer}, over real HTTP.
 */
class MockProviderServerAnthropicTests {

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final String REQUEST = """
			{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[{"role":"user","content":"Weather in Paris?"}]}""";

	private static final String STREAM_REQUEST = """
			{"model":"claude-sonnet-4-5","max_tokens":256,"stream":true,
			 "messages":[{"role":"user","content":"Weather in Paris?"}]}""";

	@Test
	void answersMessageWithTextBlockEndTurnAndUsage() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		HttpResponse<String> response = send(REQUEST);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode message = ProviderHttp.json(response);
		assertThat(message.path("id").asString()).startsWith("msg_");
		assertThat(message.path("type").asString()).isEqualTo("message");
		assertThat(message.path("role").asString()).isEqualTo("assistant");
		assertThat(message.path("model").asString()).isEqualTo("claude-sonnet-4-5");
		assertThat(message.path("content").size()).isOne();
		assertThat(message.path("content").path(0).path("type").asString()).isEqualTo("text");
		assertThat(message.path("content").path(0).path("text").asString()).isEqualTo("It is sunny.");
		assertThat(message.path("stop_reason").asString()).isEqualTo("end_turn");
		assertThat(message.path("usage").path("input_tokens").asInt()).isEqualTo(21);
		assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(4);
	}

	@Test
	void answersToolUseBlockWithInputObjectAndToolUseStopReason() {
		provider.server().enqueue(ProviderReply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
		JsonNode message = ProviderHttp.json(send(REQUEST));
		JsonNode block = message.path("content").path(0);
		assertThat(block.path("type").asString()).isEqualTo("tool_use");
		assertThat(block.path("id").asString()).startsWith("toolu_");
		assertThat(block.path("name").asString()).isEqualTo("get_weather");
		assertThat(block.path("input").path("city").asString()).isEqualTo("Paris");
		assertThat(message.path("stop_reason").asString()).isEqualTo("tool_use");
	}

	@Test
	void answersTextOnceTheRequestCarriesAToolResultBlock() {
		provider.server()
			.defaultReply(ProviderReply.toolCall("get_weather", "{\"city\":\"Paris\"}")
				.afterToolResult(ProviderReply.text("Sunny in Paris.")));
		JsonNode first = ProviderHttp.json(send(REQUEST));
		String toolUseId = first.path("content").path(0).path("id").asString();
		JsonNode second = ProviderHttp.json(send("""
				{"model":"claude-sonnet-4-5","max_tokens":256,"messages":[
				 {"role":"user","content":"Weather in Paris?"},
				 {"role":"assistant","content":[{"type":"tool_use","id":"%s","name":"get_weather","input":{"city":"Paris"}}]},
				 {"role":"user","content":[{"type":"tool_result","tool_use_id":"%s","content":"sunny, 24 C"}]}]}"""
			.formatted(toolUseId, toolUseId)));
		assertThat(second.path("stop_reason").asString()).isEqualTo("end_turn");
		assertThat(second.path("content").path(0).path("text").asString()).isEqualTo("Sunny in Paris.");
	}

	@Test
	void reportsMaxTokensStopReasonForATruncatedReply() {
		provider.server().enqueue(ProviderReply.text("It is").truncated());
		assertThat(ProviderHttp.json(send(REQUEST)).path("stop_reason").asString()).isEqualTo("max_tokens");
	}

	@Test
	void streamsMessageEventsInTheApiOrderWithUsageAtStartAndEnd() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		HttpResponse<String> response = send(STREAM_REQUEST);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/event-stream"));
		List<Event> events = ProviderHttp.events(response.body());
		assertThat(events).extracting(Event::name)
			.containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
					"content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
					"message_stop");
		assertThat(events).allSatisfy((event) -> assertThat(event.json().path("type").asString()).isEqualTo(event.name()));
		JsonNode start = events.get(0).json().path("message");
		assertThat(start.path("model").asString()).isEqualTo("claude-sonnet-4-5");
		assertThat(start.path("content").size()).isZero();
		assertThat(start.path("usage").path("input_tokens").asInt()).isEqualTo(21);
		StringBuilder text = new StringBuilder();
		events.stream()
			.filter((event) -> event.name().equals("content_block_delta"))
			.forEach((event) -> text.append(event.json().path("delta").path("text").asString()));
		assertThat(text).hasToString("It is sunny.");
		JsonNode delta = events.get(7).json();
		assertThat(delta.path("delta").path("stop_reason").asString()).isEqualTo("end_turn");
		assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(4);
	}

	@Test
	void streamsToolUseBlockWithInputJsonDeltasThatJoinToTheScriptedJson() {
		String arguments = "{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}";
		provider.server().enqueue(ProviderReply.toolCall("get_weather", arguments));
		List<Event> events = ProviderHttp.events(send(STREAM_REQUEST).body());
		JsonNode blockStart = events.stream()
			.filter((event) -> event.name().equals("content_block_start"))
			.findFirst()
			.orElseThrow()
			.json()
			.path("content_block");
		assertThat(blockStart.path("type").asString()).isEqualTo("tool_use");
		assertThat(blockStart.path("name").asString()).isEqualTo("get_weather");
		assertThat(blockStart.path("id").asString()).startsWith("toolu_");
		StringBuilder joined = new StringBuilder();
		events.stream().filter((event) -> event.name().equals("content_block_delta")).forEach((event) -> {
			assertThat(event.json().path("delta").path("type").asString()).isEqualTo("input_json_delta");
			joined.append(event.json().path("delta").path("partial_json").asString());
		});
		assertThat(joined).hasToString(arguments);
		JsonNode messageDelta = events.stream()
			.filter((event) -> event.name().equals("message_delta"))
			.findFirst()
			.orElseThrow()
			.json();
		assertThat(messageDelta.path("delta").path("stop_reason").asString()).isEqualTo("tool_use");
	}

	@Test
	void streamsTextBlockBeforeToolUseBlockWithIncreasingIndexes() {
		provider.server().enqueue(ProviderReply.text("Let me check.").andToolCall("get_weather", "{}"));
		List<Event> events = ProviderHttp.events(send(STREAM_REQUEST).body());
		List<JsonNode> starts = events.stream()
			.filter((event) -> event.name().equals("content_block_start"))
			.map(Event::json)
			.toList();
		assertThat(starts).extracting((start) -> start.path("content_block").path("type").asString())
			.containsExactly("text", "tool_use");
		assertThat(starts).extracting((start) -> start.path("index").asInt()).containsExactly(0, 1);
	}

	@Test
	void answersErrorStatusWithAnthropicErrorBody() {
		provider.server().enqueue(ProviderReply.error(529, "Overloaded"));
		HttpResponse<String> response = send(REQUEST);
		assertThat(response.statusCode()).isEqualTo(529);
		JsonNode body = ProviderHttp.json(response);
		assertThat(body.path("type").asString()).isEqualTo("error");
		assertThat(body.path("error").path("type").asString()).isEqualTo("overloaded_error");
		assertThat(body.path("error").path("message").asString()).isEqualTo("Overloaded");
	}

	@Test
	void failsAStreamMidwayWithAnErrorEventAndNoMessageStop() {
		provider.server().enqueue(ProviderReply.text("one two three four").failStreamAfter(1));
		List<Event> events = ProviderHttp.events(send(STREAM_REQUEST).body());
		assertThat(events).extracting(Event::name)
			.containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "error");
		assertThat(events.get(4).json().path("error").path("type").asString()).isEqualTo("overloaded_error");
	}

	private static HttpResponse<String> send(String json) {
		return ProviderHttp.send(ProviderHttp.anthropic(provider.server(), json));
	}

}
