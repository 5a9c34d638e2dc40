package com.fallom.langchain4j;

import java.util.List;

import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderApi;
import com.fallom.test.provider.ProviderReply;
import com.fallom.test.provider.ProviderRequest;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The real LangChain4j OpenAI and Anthropic clients against the mock provider, without
 * Fallom: proves the mock speaks the wire formats these clients parse, so that the
 * listener tests rest on faithful responses.
 */
class MockProviderClientTests {

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	static final ToolSpecification ORDER_STATUS = ToolSpecification.builder()
		.name("order_status")
		.description("Look up the status of an order")
		.parameters(JsonObjectSchema.builder().addStringProperty("id").required("id").build())
		.build();

	@Test
	void openAiChatModelReadsTextUsageModelAndFinishReason() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4).responseModel("gpt-4o-2024-08-06"));
		ChatResponse response = openAi().chat(ChatRequest.builder().messages(UserMessage.from("Weather?")).build());
		assertThat(response.aiMessage().text()).isEqualTo("It is sunny.");
		assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(21);
		assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
		assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
		assertThat(response.metadata().modelName()).isEqualTo("gpt-4o-2024-08-06");
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.api()).isEqualTo(ProviderApi.OPENAI_CHAT_COMPLETIONS);
		assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test");
		assertThat(request.model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void openAiChatModelCompletesAToolCallRoundTrip() {
		provider.server()
			.enqueue(ProviderReply.toolCall("order_status", "{\"id\":\"42\"}"), ProviderReply.text("Shipped."));
		UserMessage question = UserMessage.from("Where is order 42?");
		ChatResponse first = openAi()
			.chat(ChatRequest.builder().messages(question).toolSpecifications(ORDER_STATUS).build());
		assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
		ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
		assertThat(call.name()).isEqualTo("order_status");
		assertThat(call.arguments()).isEqualTo("{\"id\":\"42\"}");
		ChatResponse second = openAi().chat(ChatRequest.builder()
			.messages(question, first.aiMessage(), ToolExecutionResultMessage.from(call, "shipped"))
			.toolSpecifications(ORDER_STATUS)
			.build());
		assertThat(second.aiMessage().text()).isEqualTo("Shipped.");
		assertThat(provider.server().lastRequest().hasToolResult()).isTrue();
		assertThat(provider.server().requests().get(0).json().path("tools").path(0).path("function").path("name")
			.asString()).isEqualTo("order_status");
	}

	@Test
	void openAiStreamingChatModelReadsWordsUsageAndFinishReason() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		Streams.Result result = Streams.stream(openAiStreaming(),
				ChatRequest.builder().messages(UserMessage.from("Weather?")).build());
		assertThat(result.error()).isNull();
		assertThat(result.partials()).containsExactly("It", " is", " sunny.");
		assertThat(result.response().aiMessage().text()).isEqualTo("It is sunny.");
		assertThat(result.response().tokenUsage().inputTokenCount()).isEqualTo(21);
		assertThat(result.response().tokenUsage().outputTokenCount()).isEqualTo(4);
		assertThat(result.response().finishReason()).isEqualTo(FinishReason.STOP);
		assertThat(provider.server().lastRequest().json().path("stream_options").path("include_usage").asBoolean())
			.isTrue();
	}

	@Test
	void openAiStreamingChatModelJoinsStreamedToolCallArguments() {
		provider.server().enqueue(ProviderReply.toolCall("order_status", "{\"id\":\"42\",\"verbose\":true}"));
		Streams.Result result = Streams.stream(openAiStreaming(), ChatRequest.builder()
			.messages(UserMessage.from("Where is order 42?"))
			.toolSpecifications(ORDER_STATUS)
			.build());
		ToolExecutionRequest call = result.response().aiMessage().toolExecutionRequests().get(0);
		assertThat(call.name()).isEqualTo("order_status");
		assertThat(call.arguments()).isEqualTo("{\"id\":\"42\",\"verbose\":true}");
		assertThat(result.response().finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
	}

	@Test
	void openAiChatModelThrowsOnErrorStatus() {
		provider.server().enqueue(ProviderReply.error(400, "Bad model"));
		assertThatException().isThrownBy(() -> openAi().chat("Hi")).withMessageContaining("Bad model");
	}

	@Test
	void openAiStreamingChatModelReportsAConnectionDroppedMidStream() {
		// LangChain4j's OpenAI client skips an in-stream error chunk, so break the stream
		provider.server().enqueue(ProviderReply.text("one two three").dropStreamAfter(1));
		Streams.Result result = Streams.stream(openAiStreaming(),
				ChatRequest.builder().messages(UserMessage.from("Count")).build());
		// Whether the chunk before the break reaches the handler is a race with the reset
		assertThat(result.partials()).isSubsetOf("one");
		assertThat(result.error()).isNotNull();
	}

	@Test
	void anthropicChatModelReadsTextUsageAndStopReason() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		ChatResponse response = anthropic().chat(ChatRequest.builder().messages(UserMessage.from("Weather?")).build());
		assertThat(response.aiMessage().text()).isEqualTo("It is sunny.");
		assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(21);
		assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
		assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
		assertThat(response.metadata().modelName()).isEqualTo("claude-sonnet-4-5");
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.api()).isEqualTo(ProviderApi.ANTHROPIC_MESSAGES);
		assertThat(request.header("x-api-key")).isEqualTo("sk-ant-test");
		assertThat(request.header("anthropic-version")).isNotBlank();
	}

	@Test
	void anthropicChatModelCompletesAToolCallRoundTrip() {
		provider.server()
			.defaultReply(ProviderReply.toolCall("order_status", "{\"id\":\"42\"}")
				.afterToolResult(ProviderReply.text("Shipped.")));
		UserMessage question = UserMessage.from("Where is order 42?");
		ChatResponse first = anthropic()
			.chat(ChatRequest.builder().messages(question).toolSpecifications(ORDER_STATUS).build());
		AiMessage toolCall = first.aiMessage();
		assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
		ToolExecutionRequest call = toolCall.toolExecutionRequests().get(0);
		assertThat(call.name()).isEqualTo("order_status");
		// The client re-serializes the tool_use input object in its own layout
		assertThat(call.arguments()).containsPattern("\"id\"\\s*:\\s*\"42\"");
		ChatResponse second = anthropic().chat(ChatRequest.builder()
			.messages(List.of(question, toolCall, ToolExecutionResultMessage.from(call, "shipped")))
			.toolSpecifications(ORDER_STATUS)
			.build());
		assertThat(second.aiMessage().text()).isEqualTo("Shipped.");
	}

	@Test
	void anthropicStreamingChatModelReadsWordsUsageAndStopReason() {
		provider.server().enqueue(ProviderReply.text("It is sunny.").usage(21, 4));
		Streams.Result result = Streams.stream(anthropicStreaming(),
				ChatRequest.builder().messages(UserMessage.from("Weather?")).build());
		assertThat(result.error()).isNull();
		assertThat(result.partials()).containsExactly("It", " is", " sunny.");
		assertThat(result.response().tokenUsage().inputTokenCount()).isEqualTo(21);
		assertThat(result.response().tokenUsage().outputTokenCount()).isEqualTo(4);
		assertThat(result.response().finishReason()).isEqualTo(FinishReason.STOP);
	}

	@Test
	void anthropicStreamingChatModelReportsAnErrorEvent() {
		provider.server().enqueue(ProviderReply.text("one two three").failStreamAfter(1));
		Streams.Result result = Streams.stream(anthropicStreaming(),
				ChatRequest.builder().messages(UserMessage.from("Count")).build());
		assertThat(result.error()).isNotNull();
	}

	static OpenAiChatModel openAi() {
		return OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.maxRetries(0)
			.build();
	}

	static OpenAiStreamingChatModel openAiStreaming() {
		return OpenAiStreamingChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.build();
	}

	static AnthropicChatModel anthropic() {
		return AnthropicChatModel.builder()
			.baseUrl(provider.server().anthropicV1BaseUrl())
			.apiKey("sk-ant-test")
			.modelName("claude-sonnet-4-5")
			.maxRetries(0)
			.build();
	}

	static AnthropicStreamingChatModel anthropicStreaming() {
		return AnthropicStreamingChatModel.builder()
			.baseUrl(provider.server().anthropicV1BaseUrl())
			.apiKey("sk-ant-test")
			.modelName("claude-sonnet-4-5")
			.build();
	}


}
