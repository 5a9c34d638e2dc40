package com.fallom.langchain4j;

import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LangChain4j code docs/langchain4j.md and docs/testing.md quote, run against the mock Fallom backend and the
 * mock provider.
 */
class ReadmeExamplesTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	// tag::mock-provider[]
	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	@Test
	void answersWithTheScriptedToolCallThenText() {
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"),
					ProviderReply.text("Order 4711 is in transit.").usage(21, 8));
		ChatModel model = OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl()) // anthropicV1BaseUrl() for AnthropicChatModel
			.apiKey("any")
			.modelName("gpt-4o")
			.build();
		Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(new OrderTools()).build();

		assertThat(assistant.chat("Where is order 4711?")).isEqualTo("Order 4711 is in transit.");
		assertThat(provider.server().lastRequest().hasToolResult()).isTrue();
	}
	// end::mock-provider[]

	private final String openAiKey = "sk-test";

	private final String openAiUrl = provider.server().openAiBaseUrl();

	private Fallom fallom;

	@BeforeAll
	static void configs() {
		fallomServer.server().putConfig("support-assistant", 1, Map.of("gpt-4o", 100));
	}

	@AfterEach
	void closeFallom() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	@Test
	void tracesEveryCallOfAModel() {
		String sessionId = "user-1";
		// tag::plain-java[]
		Fallom fallom = Fallom.builder() // or FALLOM_API_KEY and FALLOM_BASE_URL from the environment
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.build();

		ChatModel model = OpenAiChatModel.builder()
			.baseUrl(this.openAiUrl)
			.apiKey(this.openAiKey)
			.modelName("gpt-4o-mini")
			.listeners(List.of(FallomChatModelListener.create(fallom)))
			.build();

		try (FallomTrace.Scope scope = fallom.trace().withSession("support-assistant", sessionId)) {
			model.chat("Where is my order?"); // traced: model, tokens, latency, session
		}
		// end::plain-java[]
		this.fallom = fallom;
		fallom.close();
		assertThat(fallomServer.server().traceRecords()).singleElement().satisfies((record) -> {
			assertThat(record.sessionId()).isEqualTo("user-1");
			assertThat(record.kind()).isEqualTo("llm");
			assertThat(record.model()).startsWith("gpt-4o-mini");
		});
	}

	@Test
	void abTestsAnAiServicesAgentAndTracesItsTools() {
		String sessionId = "user-2";
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"), ProviderReply.text("In transit."));
		this.fallom = Fallom.builder()
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.build();
		Fallom fallom = this.fallom;
		// tag::ab-test[]
		ChatModel model = FallomChatModel.builder(fallom.models(), "support-assistant")
			.fallback("gpt-4o-mini")
			.models((modelName) -> OpenAiChatModel.builder() // called once per model name
				.baseUrl(this.openAiUrl)
				.apiKey(this.openAiKey)
				.modelName(modelName)
				.listeners(List.of(FallomChatModelListener.create(fallom)))
				.build())
			.build();

		Assistant assistant = AiServices.builder(Assistant.class)
			.chatModel(model)
			.tools(new OrderTools())
			.afterToolExecution(FallomToolExecutionListener.create(fallom))
			.build();

		try (FallomTrace.Scope scope = fallom.trace().withSession("support-assistant", sessionId)) {
			assistant.chat("Where is order 4711?"); // the session's variant answers
		}
		// end::ab-test[]
		fallom.close();
		assertThat(provider.server().requests()).allSatisfy((request) -> assertThat(request.model()).isEqualTo("gpt-4o"));
		assertThat(fallomServer.server().traceRecords()).extracting((record) -> record.name())
			.containsExactlyInAnyOrder("chat.completions.create", "tool.orderStatus", "chat.completions.create");
	}

	interface Assistant {

		String chat(String message);

	}

	static class OrderTools {

		@Tool("Look up the status of an order")
		String orderStatus(String id) {
			return "in transit";
		}

	}

}
