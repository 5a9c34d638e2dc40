package com.fallom.springai;

import java.time.Duration;
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
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The bounds of a chat span's content, with the real Spring AI OpenAI client against the
 * mock provider, the real OpenTelemetry SDK of the engine, and the span decoded by the mock
 * Fallom backend: a long conversation keeps usage, response model, session and status,
 * losing content first, and a huge prompt is cut to the content length.
 */
class FallomContentLimitsTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	private ObservationRegistry registry;

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
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.fallom.tracer(), true,
					this.fallom.getMaxContentLength()));
		return OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.model("gpt-4o-mini")
				.maxRetries(0)
				.build())
			.observationRegistry(this.registry)
			.build();
	}

	private static ReceivedSpan onlySpan() {
		await().atMost(Duration.ofSeconds(20)).until(() -> !fallomServer.server().receivedSpans().isEmpty());
		List<ReceivedSpan> spans = fallomServer.server().receivedSpans();
		assertThat(spans).hasSize(1);
		return spans.get(0);
	}

	@Test
	void aConversationOf600MessagesKeepsUsageModelSessionAndCompletionAndMarksTheCutContent() {
		ChatModel model = model(32_768);
		provider.server()
			.enqueue(ProviderReply.text("Your order shipped.").usage(9000, 7).responseModel("gpt-4o-mini-2024-07-18"));
		List<Message> messages = new ArrayList<>();
		messages.add(new SystemMessage("You help customers."));
		for (int i = 0; i < 599; i++) {
			messages.add((i % 2 == 0) ? new UserMessage("Question " + i) : new AssistantMessage("Answer " + i));
		}
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "long-chat")) {
			model.call(new Prompt(messages));
		}

		ReceivedSpan span = onlySpan();
		assertThat(span.attributes()).containsEntry("gen_ai.usage.input_tokens", 9000L)
			.containsEntry("gen_ai.usage.output_tokens", 7L)
			.containsEntry("gen_ai.usage.prompt_tokens", 9000L)
			.containsEntry("gen_ai.usage.completion_tokens", 7L)
			.containsEntry("gen_ai.response.model", "gpt-4o-mini-2024-07-18")
			.containsEntry("fallom.session_id", "long-chat")
			.containsEntry("fallom.config_key", "support")
			.containsEntry("fallom.content_truncated", true)
			.containsEntry("gen_ai.prompt.0.content", "You help customers.")
			.containsEntry("gen_ai.completion.0.content", "Your order shipped.");
		assertThat(span.statusCode()).isEqualTo("UNSET");
		assertThat(span.attributes()).hasSizeLessThanOrEqualTo(1024);
		// Messages are kept from the first on, without gaps, and the last ones give way.
		int kept = 0;
		while (span.attributes().containsKey("gen_ai.prompt." + kept + ".role")) {
			kept++;
		}
		assertThat(kept).isGreaterThan(400).isLessThan(600);
		assertThat(span.attributes().keySet().stream().filter((key) -> key.startsWith("gen_ai.prompt.")))
			.hasSize(2 * kept);
	}

	@Test
	void aTenMegabytePromptIsCutToTheContentLengthAndTheSpanMarked() {
		ChatModel model = model(1000);
		provider.server().enqueue(ProviderReply.text("Too long to read.").usage(2_500_000, 5));
		String huge = "lorem ipsum ".repeat(10 * 1024 * 1024 / 12);
		model.call(new Prompt(List.of(new UserMessage("Summarize: " + huge))));

		ReceivedSpan span = onlySpan();
		assertThat(span.attribute("gen_ai.prompt.0.content")).hasSize(1000).startsWith("Summarize: lorem ipsum");
		assertThat(span.attributes()).containsEntry("fallom.content_truncated", true)
			.containsEntry("gen_ai.usage.input_tokens", 2_500_000L)
			.containsEntry("gen_ai.completion.0.content", "Too long to read.");
		assertThat(fallomServer.server().allReceivedBytes()).hasSizeLessThan(64 * 1024);
	}

	@Test
	void anErrorMessageQuotingAHugeBodyIsCutInTheStatus() {
		ChatModel model = model(32_768);
		provider.server().enqueue(ProviderReply.error(400, "Bad request: " + "x".repeat(200_000)));
		assertThatException().isThrownBy(() -> model.call(new Prompt(List.of(new UserMessage("Hello")))));

		ReceivedSpan span = onlySpan();
		assertThat(span.statusCode()).isEqualTo("ERROR");
		assertThat(span.statusMessage()).hasSizeLessThanOrEqualTo(4096).contains("Bad request: xxx");
	}

	@Test
	void aShortConversationIsNotMarked() {
		ChatModel model = model(32_768);
		provider.server().enqueue(ProviderReply.text("Hi.").usage(3, 1));
		model.call(new Prompt(List.of(new UserMessage("Hello"))));

		ReceivedSpan span = onlySpan();
		assertThat(span.attributes()).containsEntry("gen_ai.prompt.0.content", "Hello")
			.doesNotContainKey("fallom.content_truncated");
	}

}
