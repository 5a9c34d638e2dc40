package com.fallom.langchain4j;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FallomChatModelListener}: the real LangChain4j OpenAI and Anthropic
 * models, sync and streaming, against the mock provider, with the spans decoded from the
 * mock Fallom backend.
 */
class FallomChatModelListenerTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final String SECRET_QUESTION = "Where is order 4711 of Ada Lovelace?";

	private static final String SECRET_ANSWER = "Order 4711 reached Marylebone.";

	private static final String SECRET_ARGUMENTS = "{\"id\":\"4711\",\"customer\":\"Ada Lovelace\"}";

	private Fallom fallom;

	@BeforeAll
	static void configs() {
		fallomServer.server().putConfig("support", 3, Map.of("gpt-4o-mini", 100));
	}

	@AfterEach
	void closeFallom() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		// FallomModels.get sets the thread's session; the next test starts without one
		FallomSessionHolder.clear();
	}

	@Test
	void openAiCallExportsChatSpanWithModelsTokensFinishReasonAndAssignedSession() {
		provider.server().enqueue(ProviderReply.text(SECRET_ANSWER).usage(21, 4).responseModel("gpt-4o-mini-2024-07-18"));
		ChatModel model = openAi(false);
		String assigned = this.fallom.models().get("support", "session-1", "gpt-4o");
		ChatResponse response = model.chat(ChatRequest.builder()
			.messages(UserMessage.from(SECRET_QUESTION))
			.modelName(assigned)
			.build());
		assertThat(response.aiMessage().text()).isEqualTo(SECRET_ANSWER);
		ReceivedSpan span = onlySpan();
		assertThat(span.name()).isEqualTo("chat gpt-4o-mini");
		assertThat(span.kind()).isEqualTo("CLIENT");
		assertThat(span.scopeName()).isNotEmpty();
		assertThat(span.attributes()).containsEntry("gen_ai.system", "openai")
			.containsEntry("gen_ai.request.model", "gpt-4o-mini")
			.containsEntry("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
			.containsEntry("gen_ai.usage.input_tokens", 21L)
			.containsEntry("gen_ai.usage.output_tokens", 4L)
			.containsEntry("gen_ai.usage.prompt_tokens", 21L)
			.containsEntry("gen_ai.usage.completion_tokens", 4L)
			.containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
			.containsEntry("fallom.config_key", "support")
			.containsEntry("fallom.session_id", "session-1")
			.containsEntry("fallom.config_version", "3")
			.containsEntry("fallom.variant", "0");
		assertThat(span.attribute("gen_ai.response.id")).startsWith("chatcmpl-");
		assertThat(span.attributes()).doesNotContainKeys("gen_ai.prompt.0.content", "gen_ai.completion.0.content");
		assertThat(span.statusCode()).isEqualTo("UNSET");
		assertThat(span.isRoot()).isTrue();
		assertThat(span.duration()).isPositive();
	}

	@Test
	void openAiStreamExportsOneSpanWithTheFinalUsageAndTheCallersSession() {
		provider.server().enqueue(ProviderReply.text(SECRET_ANSWER).usage(30, 6));
		StreamingChatModel model = openAiStreaming(false);
		Streams.Result result;
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-2")) {
			result = Streams.stream(model, ChatRequest.builder().messages(UserMessage.from(SECRET_QUESTION)).build());
		}
		assertThat(result.error()).isNull();
		ReceivedSpan span = onlySpan();
		assertThat(span.attributes()).containsEntry("gen_ai.system", "openai")
			.containsEntry("gen_ai.request.model", "gpt-4o-mini")
			.containsEntry("gen_ai.usage.input_tokens", 30L)
			.containsEntry("gen_ai.usage.output_tokens", 6L)
			.containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
			.containsEntry("fallom.config_key", "support")
			.containsEntry("fallom.session_id", "session-2")
			.doesNotContainKeys("fallom.config_version", "fallom.variant");
	}

	@Test
	void anthropicCallExportsChatSpanWithAnthropicSystemAndTokens() {
		provider.server().enqueue(ProviderReply.text(SECRET_ANSWER).usage(12, 7));
		ChatModel model = anthropic(false);
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-3")) {
			model.chat(SECRET_QUESTION);
		}
		ReceivedSpan span = onlySpan();
		assertThat(span.name()).isEqualTo("chat claude-sonnet-4-5");
		assertThat(span.attributes()).containsEntry("gen_ai.system", "anthropic")
			.containsEntry("gen_ai.request.model", "claude-sonnet-4-5")
			.containsEntry("gen_ai.response.model", "claude-sonnet-4-5")
			.containsEntry("gen_ai.usage.input_tokens", 12L)
			.containsEntry("gen_ai.usage.output_tokens", 7L)
			.containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
			.containsEntry("fallom.session_id", "session-3");
		assertThat(span.attribute("gen_ai.response.id")).startsWith("msg_");
	}

	@Test
	void anthropicStreamExportsOneSpanWithUsageFromStartAndDeltaEvents() {
		provider.server().enqueue(ProviderReply.text(SECRET_ANSWER).usage(12, 7));
		Streams.Result result = Streams.stream(anthropicStreaming(false),
				ChatRequest.builder().messages(UserMessage.from(SECRET_QUESTION)).build());
		assertThat(result.error()).isNull();
		ReceivedSpan span = onlySpan();
		assertThat(span.attributes()).containsEntry("gen_ai.system", "anthropic")
			.containsEntry("gen_ai.usage.input_tokens", 12L)
			.containsEntry("gen_ai.usage.output_tokens", 7L)
			.doesNotContainKey("fallom.session_id");
	}

	@Test
	void toolCallRoundTripExportsTwoSpansWithToolCallsAndToolResultWhenCapturingContent() {
		provider.server()
			.enqueue(ProviderReply.toolCall("order_status", SECRET_ARGUMENTS), ProviderReply.text(SECRET_ANSWER));
		ChatModel model = openAi(true);
		UserMessage question = UserMessage.from(SECRET_QUESTION);
		ChatResponse first = model.chat(ChatRequest.builder()
			.messages(SystemMessage.from("You track orders."), question)
			.toolSpecifications(MockProviderClientTests.ORDER_STATUS)
			.build());
		ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
		model.chat(ChatRequest.builder()
			.messages(SystemMessage.from("You track orders."), question, first.aiMessage(),
					ToolExecutionResultMessage.from(call, "in transit"))
			.toolSpecifications(MockProviderClientTests.ORDER_STATUS)
			.build());
		List<ReceivedSpan> spans = spans(2);
		ReceivedSpan toolCall = spans.get(0);
		assertThat(toolCall.attributes()).containsEntry("gen_ai.response.finish_reasons", List.of("tool_calls"))
			.containsEntry("gen_ai.prompt.0.role", "system")
			.containsEntry("gen_ai.prompt.0.content", "You track orders.")
			.containsEntry("gen_ai.prompt.1.role", "user")
			.containsEntry("gen_ai.prompt.1.content", SECRET_QUESTION)
			.containsEntry("gen_ai.completion.0.role", "assistant")
			.containsEntry("gen_ai.completion.0.tool_calls.0.id", call.id())
			.containsEntry("gen_ai.completion.0.tool_calls.0.name", "order_status")
			.containsEntry("gen_ai.completion.0.tool_calls.0.arguments", SECRET_ARGUMENTS)
			.doesNotContainKey("gen_ai.completion.0.content");
		ReceivedSpan answer = spans.get(1);
		assertThat(answer.attributes()).containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
			.containsEntry("gen_ai.prompt.2.role", "assistant")
			.containsEntry("gen_ai.prompt.2.tool_calls.0.name", "order_status")
			.containsEntry("gen_ai.prompt.3.role", "tool")
			.containsEntry("gen_ai.prompt.3.content", "in transit")
			.containsEntry("gen_ai.prompt.3.tool_call_id", call.id())
			.containsEntry("gen_ai.completion.0.content", SECRET_ANSWER);
	}

	@Test
	void failedCallExportsErrorSpanWithTypeOnlyWhenNotCapturingContent() {
		provider.server().enqueue(ProviderReply.error(400, "Unknown model for " + SECRET_QUESTION));
		ChatModel model = openAi(false);
		assertThatException().isThrownBy(() -> model.chat(SECRET_QUESTION));
		ReceivedSpan span = onlySpan();
		assertThat(span.statusCode()).isEqualTo("ERROR");
		assertThat(span.attribute("error.type")).isNotBlank().isEqualTo(span.statusMessage());
		assertThat(span.statusMessage()).doesNotContain(SECRET_QUESTION);
		assertThat(span.attributes()).doesNotContainKeys("gen_ai.usage.input_tokens", "gen_ai.response.model");
	}

	@Test
	void failedCallExportsTheErrorMessageWhenCapturingContent() {
		provider.server().enqueue(ProviderReply.error(400, "Unknown model gpt-5-nano"));
		ChatModel model = openAi(true);
		assertThatException().isThrownBy(() -> model.chat("Hi"));
		ReceivedSpan span = onlySpan();
		assertThat(span.statusCode()).isEqualTo("ERROR");
		assertThat(span.statusMessage()).startsWith(span.attribute("error.type")).contains("Unknown model gpt-5-nano");
	}

	@Test
	void streamBrokenOffMidwayExportsErrorSpan() {
		provider.server().enqueue(ProviderReply.text("one two three").dropStreamAfter(1));
		Streams.Result result = Streams.stream(openAiStreaming(false),
				ChatRequest.builder().messages(UserMessage.from("Count")).build());
		assertThat(result.error()).isNotNull();
		ReceivedSpan span = onlySpan();
		assertThat(span.statusCode()).isEqualTo("ERROR");
		assertThat(span.attribute("error.type")).isNotBlank();
	}

	@Test
	void chatSpanIsAChildOfTheApplicationsCurrentSpan() {
		ChatModel model = openAi(false);
		try (SdkTracerProvider appTracing = SdkTracerProvider.builder().build()) {
			Span appSpan = appTracing.get("app").spanBuilder("handle request").startSpan();
			try (Scope scope = appSpan.makeCurrent()) {
				model.chat("Hi");
			}
			finally {
				appSpan.end();
			}
			ReceivedSpan span = onlySpan();
			assertThat(span.traceId()).isEqualTo(appSpan.getSpanContext().getTraceId());
			assertThat(span.parentSpanId()).isEqualTo(appSpan.getSpanContext().getSpanId());
		}
	}

	@Test
	void sessionInTheListenerAttributesWinsOverTheThreadsSession() {
		ChatModel model = openAi(false);
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "thread-session")) {
			model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build(),
					ChatRequestOptions.builder()
						.addListenerAttribute(FallomChatModelListener.SESSION_ATTRIBUTE,
								new FallomSessionContext("billing", "explicit-session"))
						.build());
		}
		assertThat(onlySpan().attributes()).containsEntry("fallom.config_key", "billing")
			.containsEntry("fallom.session_id", "explicit-session");
	}

	@Test
	void promptContextInTheListenerAttributesTagsTheSpan() {
		ChatModel model = openAi(false);
		model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).build(),
				ChatRequestOptions.builder()
					.addListenerAttribute(FallomChatModelListener.PROMPT_ATTRIBUTE,
							new PromptContext("welcome", 3, "welcome-test", 1))
					.build());
		assertThat(onlySpan().attributes()).containsEntry("fallom.prompt_key", "welcome")
			.containsEntry("fallom.prompt_version", 3L)
			.containsEntry("fallom.prompt_ab_test", "welcome-test")
			.containsEntry("fallom.prompt_variant", 1L);
	}

	@Test
	void privacyModeSendsNoPromptCompletionOrToolArgumentsAnywhere() {
		byte[] sent = bytesSentToFallomByAToolRoundTripAndAStream(false);
		assertThat(fallomServer.server().receivedSpans()).hasSize(3);
		assertThat(contains(sent, SECRET_QUESTION)).isFalse();
		assertThat(contains(sent, SECRET_ANSWER)).isFalse();
		assertThat(contains(sent, "Ada Lovelace")).isFalse();
		assertThat(contains(sent, "in transit")).isFalse();
	}

	@Test
	void capturingContentSendsPromptCompletionAndToolArguments() {
		// The positive control of the privacy test: the same scan finds the text when sent
		byte[] sent = bytesSentToFallomByAToolRoundTripAndAStream(true);
		assertThat(contains(sent, SECRET_QUESTION)).isTrue();
		assertThat(contains(sent, SECRET_ANSWER)).isTrue();
		assertThat(contains(sent, "Ada Lovelace")).isTrue();
		assertThat(contains(sent, "in transit")).isTrue();
	}

	@Test
	void listenerRegisteredTwiceExportsOneSpan() {
		listener(false);
		ChatModel model = OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.listeners(List.of(FallomChatModelListener.create(this.fallom), FallomChatModelListener.create(this.fallom)))
			.build();
		model.chat("Hi");
		onlySpan();
	}

	@Test
	void testsRunWithoutSpringOnTheClasspath() {
		assertThatExceptionOfType(ClassNotFoundException.class)
			.isThrownBy(() -> Class.forName("org.springframework.core.SpringVersion"));
	}

	private byte[] bytesSentToFallomByAToolRoundTripAndAStream(boolean captureContent) {
		provider.server()
			.enqueue(ProviderReply.toolCall("order_status", SECRET_ARGUMENTS), ProviderReply.text(SECRET_ANSWER),
					ProviderReply.text(SECRET_ANSWER));
		ChatModel model = openAi(captureContent);
		UserMessage question = UserMessage.from(SECRET_QUESTION);
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "private-session")) {
			ChatResponse first = model.chat(ChatRequest.builder()
				.messages(question)
				.toolSpecifications(MockProviderClientTests.ORDER_STATUS)
				.build());
			ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
			model.chat(ChatRequest.builder()
				.messages(question, first.aiMessage(), ToolExecutionResultMessage.from(call, "in transit"))
				.build());
			Streams.stream(openAiStreaming(captureContent),
					ChatRequest.builder().messages(UserMessage.from(SECRET_QUESTION)).build());
		}
		this.fallom.close();
		return fallomServer.server().allReceivedBytes();
	}

	private static boolean contains(byte[] haystack, String needle) {
		byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
		outer: for (int i = 0; i <= haystack.length - bytes.length; i++) {
			for (int j = 0; j < bytes.length; j++) {
				if (haystack[i + j] != bytes[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/**
	 * Close the engine, which flushes its span queue, and return the spans the backend
	 * received.
	 */
	private List<ReceivedSpan> spans(int expected) {
		this.fallom.close();
		List<ReceivedSpan> spans = fallomServer.server().receivedSpans();
		assertThat(spans).hasSize(expected);
		return spans;
	}

	private ReceivedSpan onlySpan() {
		return spans(1).get(0);
	}

	private FallomChatModelListener listener(boolean captureContent) {
		if (this.fallom == null) {
			FallomMockServer server = fallomServer.server();
			this.fallom = Fallom.builder(Map.of())
				// These tests read the OTLP span attributes the integration writes
				.tracingProtocol("otlp")
				.apiKey(server.apiKey())
				.baseUrl(server.baseUrl())
				.captureContent(captureContent)
				.build();
		}
		return FallomChatModelListener.create(this.fallom);
	}

	private ChatModel openAi(boolean captureContent) {
		return OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.maxRetries(0)
			.listeners(List.of(listener(captureContent)))
			.build();
	}

	private StreamingChatModel openAiStreaming(boolean captureContent) {
		return OpenAiStreamingChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o-mini")
			.listeners(List.of(listener(captureContent)))
			.build();
	}

	private ChatModel anthropic(boolean captureContent) {
		return AnthropicChatModel.builder()
			.baseUrl(provider.server().anthropicV1BaseUrl())
			.apiKey("sk-ant-test")
			.modelName("claude-sonnet-4-5")
			.maxRetries(0)
			.listeners(List.of(listener(captureContent)))
			.build();
	}

	private StreamingChatModel anthropicStreaming(boolean captureContent) {
		return AnthropicStreamingChatModel.builder()
			.baseUrl(provider.server().anthropicV1BaseUrl())
			.apiKey("sk-ant-test")
			.modelName("claude-sonnet-4-5")
			.listeners(List.of(listener(captureContent)))
			.build();
	}

}
