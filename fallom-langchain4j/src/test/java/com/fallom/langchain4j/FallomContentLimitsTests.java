package com.fallom.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds of a chat span's content with the real LangChain4j OpenAI model against the
 * mock provider, the span decoded by the mock Fallom backend: an agent run of 150 tool
 * rounds keeps usage, response model, session and status, losing content first.
 */
class FallomContentLimitsTests {

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

	private ChatModel model(int maxContentLength) {
		this.fallom = Fallom.builder(Map.of())
			.tracingProtocol("otlp") // the span attributes are under test
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(true)
			.maxContentLength(maxContentLength)
			.build();
		return OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.maxRetries(0)
			.listeners(List.of(FallomChatModelListener.create(this.fallom)))
			.build();
	}

	private ReceivedSpan onlySpan() {
		// Closing flushes the span queue.
		this.fallom.close();
		List<ReceivedSpan> spans = fallomServer.server().receivedSpans();
		assertThat(spans).hasSize(1);
		return spans.get(0);
	}

	@Test
	void anAgentRunOf150ToolRoundsKeepsUsageModelSessionAndCompletionAndMarksTheCutContent() {
		ChatModel model = model(32_768);
		provider.server()
			.enqueue(ProviderReply.text("All orders shipped.").usage(12_000, 5).responseModel("gpt-4o-mini-2024-07-18"));
		List<ChatMessage> messages = new ArrayList<>();
		messages.add(SystemMessage.from("You track orders."));
		messages.add(UserMessage.from("Where are my 150 orders?"));
		for (int i = 0; i < 150; i++) {
			ToolExecutionRequest call = ToolExecutionRequest.builder()
				.id("call-" + i)
				.name("orderStatus")
				.arguments("{\"id\":\"" + i + "\"}")
				.build();
			messages.add(AiMessage.from(call));
			messages.add(ToolExecutionResultMessage.from(call, "Order " + i + " shipped"));
		}
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "agent-run")) {
			model.chat(ChatRequest.builder().messages(messages).build());
		}

		ReceivedSpan span = onlySpan();
		assertThat(span.attributes()).containsEntry("gen_ai.usage.input_tokens", 12_000L)
			.containsEntry("gen_ai.usage.output_tokens", 5L)
			.containsEntry("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
			.containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
			.containsEntry("fallom.session_id", "agent-run")
			.containsEntry("fallom.content_truncated", true)
			.containsEntry("gen_ai.prompt.0.content", "You track orders.")
			.containsEntry("gen_ai.prompt.2.tool_calls.0.name", "orderStatus")
			.containsEntry("gen_ai.prompt.3.tool_call_id", "call-0")
			.containsEntry("gen_ai.completion.0.content", "All orders shipped.");
		assertThat(span.statusCode()).isEqualTo("UNSET");
		assertThat(span.attributes()).hasSizeLessThanOrEqualTo(1024).doesNotContainKey("gen_ai.prompt.301.role");
	}

	@Test
	void aLongToolArgumentIsCutToTheContentLength() {
		ChatModel model = model(100);
		provider.server().enqueue(ProviderReply.text("Done.").usage(40, 1));
		ToolExecutionRequest call = ToolExecutionRequest.builder()
			.id("call-1")
			.name("store")
			.arguments("{\"blob\":\"" + "x".repeat(5000) + "\"}")
			.build();
		model.chat(ChatRequest.builder()
			.messages(UserMessage.from("Store it"), AiMessage.from(call), ToolExecutionResultMessage.from(call, "ok"))
			.build());

		ReceivedSpan span = onlySpan();
		assertThat(span.attribute("gen_ai.prompt.1.tool_calls.0.arguments")).hasSize(100).startsWith("{\"blob\":\"xxx");
		assertThat(span.attributes()).containsEntry("fallom.content_truncated", true)
			.containsEntry("gen_ai.prompt.2.content", "ok")
			.containsEntry("gen_ai.usage.input_tokens", 40L);
	}

}
