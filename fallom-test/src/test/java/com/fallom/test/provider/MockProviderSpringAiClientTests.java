package com.fallom.test.provider;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Spring AI's OpenAI and Anthropic chat models, on the official OpenAI and Anthropic
 * Java SDKs, against the mock provider: proves the mock's JSON and streams are what those
 * clients parse, calls, streams and tool calls alike.
 */
class MockProviderSpringAiClientTests {

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void openAiChatModelReadsTextUsageAndModel() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4).responseModel("gpt-4o-2024-08-06"));
		ChatResponse response = openAi().call(new Prompt("Weather?"));
		assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny.");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		assertThat(response.getMetadata().getModel()).isEqualTo("gpt-4o-2024-08-06");
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.api()).isEqualTo(ProviderApi.OPENAI_CHAT_COMPLETIONS);
		assertThat(request.model()).isEqualTo("gpt-4o-mini");
		assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test");
	}

	@Test
	void openAiChatModelStreamsWordsAndTheUsageOfTheLastChunk() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		List<ChatResponse> chunks = openAi()
			.stream(new Prompt("Weather?", OpenAiChatOptions.builder().streamUsage(true).build()))
			.collectList()
			.block(TIMEOUT);
		assertThat(chunks).isNotEmpty();
		StringBuilder text = new StringBuilder();
		chunks.stream()
			.filter((chunk) -> chunk.getResult() != null && chunk.getResult().getOutput().getText() != null)
			.forEach((chunk) -> text.append(chunk.getResult().getOutput().getText()));
		assertThat(text).hasToString("It is sunny.");
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.isStreaming()).isTrue();
		assertThat(request.json().path("stream_options").path("include_usage").asBoolean()).isTrue();
	}

	@Test
	void openAiChatModelReadsAToolCallAndSendsTheToolResultBack() {
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"), ProviderReply.text("In transit."));
		assertToolCallRoundTrip(openAi(),
				OpenAiChatOptions.builder().toolCallbacks(ToolCallbacks.from(new OrderTools())).build());
		assertThat(provider.server().requests().get(0).json().path("tools").path(0).path("function").path("name")
			.asString()).isEqualTo("orderStatus");
	}

	@Test
	void openAiChatModelStreamsAToolCall() {
		provider.server().enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\",\"verbose\":true}"));
		List<ChatResponse> chunks = openAi()
			.stream(new Prompt("Where is order 4711?", OpenAiChatOptions.builder()
				.streamUsage(true)
				.toolCallbacks(ToolCallbacks.from(new OrderTools()))
				.build()))
			.collectList()
			.block(TIMEOUT);
		List<AssistantMessage.ToolCall> toolCalls = chunks.stream()
			.filter((chunk) -> chunk.getResult() != null)
			.flatMap((chunk) -> chunk.getResult().getOutput().getToolCalls().stream())
			.toList();
		assertThat(toolCalls).singleElement().satisfies((call) -> {
			assertThat(call.name()).isEqualTo("orderStatus");
			assertThat(call.arguments()).isEqualTo("{\"id\":\"4711\",\"verbose\":true}");
		});
	}

	@Test
	void openAiChatModelFailsOnAnErrorStatus() {
		provider.server().defaultReply(ProviderReply.error(400, "Unknown model"));
		assertThatException().isThrownBy(() -> openAi().call(new Prompt("Hi")));
	}

	@Test
	void anthropicChatModelReadsTextUsageAndModel() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		ChatResponse response = anthropic().call(new Prompt("Weather?"));
		assertThat(response.getResult().getOutput().getText()).isEqualTo("It is sunny.");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		assertThat(response.getMetadata().getModel()).isEqualTo("claude-sonnet-4-5");
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.api()).isEqualTo(ProviderApi.ANTHROPIC_MESSAGES);
		assertThat(request.header("x-api-key")).isEqualTo("sk-ant-test");
	}

	@Test
	void anthropicChatModelStreamsWordsAndUsage() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		List<ChatResponse> chunks = anthropic().stream(new Prompt("Weather?")).collectList().block(TIMEOUT);
		StringBuilder text = new StringBuilder();
		chunks.stream()
			.filter((chunk) -> chunk.getResult() != null && chunk.getResult().getOutput().getText() != null)
			.forEach((chunk) -> text.append(chunk.getResult().getOutput().getText()));
		assertThat(text).hasToString("It is sunny.");
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		assertThat(provider.server().lastRequest().isStreaming()).isTrue();
	}

	@Test
	void anthropicChatModelReadsAToolCallAndSendsTheToolResultBack() {
		provider.server()
			.defaultReply(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}")
				.afterToolResult(ProviderReply.text("In transit.")));
		assertToolCallRoundTrip(anthropic(),
				AnthropicChatOptions.builder().toolCallbacks(ToolCallbacks.from(new OrderTools())).build());
	}

	/**
	 * Spring AI 2 runs tools in ChatClient's advisor, not in the model: play its part.
	 */
	private static void assertToolCallRoundTrip(ChatModel model, ChatOptions options) {
		UserMessage question = new UserMessage("Where is order 4711?");
		ChatResponse first = model.call(new Prompt(List.of(question), options));
		AssistantMessage toolCall = first.getResult().getOutput();
		assertThat(toolCall.getToolCalls()).singleElement().satisfies((call) -> {
			assertThat(call.name()).isEqualTo("orderStatus");
			assertThat(call.arguments()).containsPattern("\"id\"\\s*:\\s*\"4711\"");
		});
		AssistantMessage.ToolCall call = toolCall.getToolCalls().get(0);
		ToolResponseMessage result = ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse(call.id(), call.name(), "status of 4711: in transit")))
			.build();
		ChatResponse second = model.call(new Prompt(List.of(question, toolCall, result), options));
		assertThat(second.getResult().getOutput().getText()).isEqualTo("In transit.");
		assertThat(provider.server().requests()).hasSize(2);
		assertThat(provider.server().lastRequest().hasToolResult()).isTrue();
		assertThat(provider.server().lastRequest().bodyAsString()).contains("status of 4711: in transit");
	}

	private static ChatModel openAi() {
		return OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.model("gpt-4o-mini")
				.maxRetries(0)
				.build())
			.build();
	}

	private static ChatModel anthropic() {
		return AnthropicChatModel.builder()
			.options(AnthropicChatOptions.builder()
				.baseUrl(provider.server().anthropicBaseUrl())
				.apiKey("sk-ant-test")
				.model("claude-sonnet-4-5")
				.maxTokens(256)
				.maxRetries(0)
				.build())
			.build();
	}

	static class OrderTools {

		@Tool(description = "Look up the status of an order")
		String orderStatus(String id) {
			return "status of " + id + ": in transit";
		}

	}

}
