package com.fallom.langchain4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.test.provider.ProviderRequest;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link FallomChatModel} and {@link FallomStreamingChatModel}: A/B testing
 * LangChain4j models per session, against the mock Fallom backend and the mock provider.
 */
class FallomChatModelTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private final Map<String, AtomicInteger> built = new ConcurrentHashMap<>();

	private Fallom fallom;

	@BeforeAll
	static void configs() {
		Map<String, Integer> split = new LinkedHashMap<>();
		split.put("gpt-4o-mini", 50);
		split.put("gpt-4o", 50);
		fallomServer.server().putConfig("support", 1, split);
		fallomServer.server().putConfig("pinned", 1, Map.of("gpt-4.1", 100));
		fallomServer.server().putConfig("pinned", 2, Map.of("gpt-5", 100));
	}

	@BeforeEach
	void startFallom() {
		this.fallom = Fallom.builder(Map.of())
			// These tests read the OTLP span attributes the integration writes
			.tracingProtocol("otlp")
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(false)
			.build();
	}

	@AfterEach
	void closeFallom() {
		this.fallom.close();
		// FallomModels.get sets the thread's session; the next test starts without one
		FallomSessionHolder.clear();
	}

	@Test
	void sendsEachSessionToItsVariantsModelBuildingEachModelOnce() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support").models(this::openAi).build();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			String sessionId = "session-" + i;
			try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", sessionId)) {
				model.chat("Hi");
			}
			expected.add(this.fallom.models().get("support", sessionId));
		}
		assertThat(provider.server().requests()).extracting(ProviderRequest::model).containsExactlyElementsOf(expected);
		assertThat(expected).contains("gpt-4o-mini", "gpt-4o");
		assertThat(this.built).containsOnlyKeys("gpt-4o-mini", "gpt-4o");
		assertThat(this.built.values()).extracting(AtomicInteger::get).containsOnly(1);
	}

	@Test
	void tagsTheCallsSpanWithTheAssignedVariant() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support").models(this::openAi).build();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-7")) {
			model.chat("Hi");
		}
		this.fallom.close();
		ReceivedSpan span = fallomServer.server().receivedSpans().get(0);
		assertThat(span.attributes()).containsEntry("fallom.config_key", "support")
			.containsEntry("fallom.session_id", "session-7")
			.containsEntry("fallom.config_version", "1")
			.containsEntry("gen_ai.request.model", provider.server().lastRequest().model())
			.containsKey("fallom.variant");
	}

	@Test
	void takesTheSessionIdFromASessionOfAnotherConfig() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support").models(this::openAi).build();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("web", "session-3")) {
			model.chat("Hi");
		}
		assertThat(provider.server().lastRequest().model())
			.isEqualTo(this.fallom.models().get("support", "session-3"));
	}

	@Test
	void assignsFromAPinnedVersion() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "pinned").version(1).models(this::openAi).build();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("pinned", "session-1")) {
			model.chat("Hi");
		}
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4.1");
	}

	@Test
	void answersWithTheFallbackModelWithoutASession() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support")
			.fallback("gpt-4o-mini")
			.models(this::openAi)
			.build();
		model.chat("Hi");
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void answersWithTheFallbackModelForAnUnknownConfig() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "no-such-config")
			.fallback("gpt-4o-mini")
			.models(this::openAi)
			.build();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-1")) {
			model.chat("Hi");
		}
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void failsACallWithoutSessionOrFallbackSayingHowToSetOne() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support").models(this::openAi).build();
		assertThatIllegalStateException().isThrownBy(() -> model.chat("Hi"))
			.withMessageContaining("withSession")
			.withMessageContaining("fallback");
		assertThat(provider.server().requests()).isEmpty();
	}

	@Test
	void rejectsABlankConfigKeyWhenBuilt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FallomChatModel.builder(this.fallom.models(), " ").models(this::openAi).build());
	}

	@Test
	void streamsFromTheSessionsVariantsModel() {
		StreamingChatModel model = FallomStreamingChatModel.builder(this.fallom.models(), "support")
			.models(this::openAiStreaming)
			.build();
		Streams.Result result;
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-4")) {
			result = Streams.stream(model, ChatRequest.builder().messages(UserMessage.from("Hi")).build());
		}
		assertThat(result.error()).isNull();
		assertThat(provider.server().lastRequest().isStreaming()).isTrue();
		assertThat(provider.server().lastRequest().model())
			.isEqualTo(this.fallom.models().get("support", "session-4"));
	}

	@Test
	void streamedCallsSpanSaysItStreamedAndWhenTheFirstTokenArrived() {
		provider.server().enqueue(ProviderReply.text("one two three").delay(Duration.ofMillis(50)));
		StreamingChatModel model = FallomStreamingChatModel.builder(this.fallom.models(), "support")
			.models(this::openAiStreaming)
			.build();
		Streams.Result result;
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-5")) {
			result = Streams.stream(model, ChatRequest.builder().messages(UserMessage.from("Count")).build());
		}
		assertThat(result.partials()).containsExactly("one", " two", " three");
		this.fallom.close();
		ReceivedSpan span = fallomServer.server().receivedSpans().get(0);
		assertThat(span.attributes()).containsEntry("gen_ai.request.stream", true)
			.containsEntry("fallom.is_streaming", true)
			.containsEntry("fallom.session_id", "session-5");
		// The provider waited 50 ms before answering: the first token cannot be earlier
		assertThat((Long) span.attributes().get("fallom.time_to_first_token_ms")).isBetween(50L,
				span.duration().toMillis());
	}

	@Test
	void streamTheCallerCancelsIsExportedAsCancelled() throws Exception {
		provider.server()
			.enqueue(ProviderReply.text("one two three four five six").chunkDelay(Duration.ofMillis(200)));
		StreamingChatModel model = FallomStreamingChatModel.builder(this.fallom.models(), "support")
			.models(this::openAiStreaming)
			.build();
		CompletableFuture<String> firstToken = new CompletableFuture<>();
		List<String> events = new CopyOnWriteArrayList<>();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-8")) {
			model.chat(ChatRequest.builder().messages(UserMessage.from("Count")).build(),
					new StreamingChatResponseHandler() {

						@Override
						public void onPartialResponse(PartialResponse partialResponse,
								PartialResponseContext context) {
							events.add(partialResponse.text());
							// The caller has seen enough: LangChain4j tells the listener nothing
							context.streamingHandle().cancel();
							firstToken.complete(partialResponse.text());
						}

						@Override
						public void onCompleteResponse(ChatResponse completeResponse) {
							events.add("complete");
						}

						@Override
						public void onError(Throwable error) {
							events.add("error " + error);
						}

					});
		}
		assertThat(firstToken.get(10, TimeUnit.SECONDS)).isEqualTo("one");
		this.fallom.close();
		ReceivedSpan span = fallomServer.server().receivedSpans().get(0);
		assertThat(span.attributes()).containsEntry("fallom.cancelled", true)
			.containsEntry("fallom.session_id", "session-8")
			.containsKey("fallom.time_to_first_token_ms");
		assertThat(span.statusCode()).isEqualTo("ERROR");
		assertThat(span.statusMessage()).isEqualTo("cancelled");
		assertThat(events).as("what the caller saw").doesNotContain("complete");
	}

	@Test
	void syncCallsSpanSaysNothingAboutStreaming() {
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "support").models(this::openAi).build();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "session-6")) {
			model.chat("Hi");
		}
		this.fallom.close();
		assertThat(fallomServer.server().receivedSpans().get(0).attributes())
			.doesNotContainKeys("gen_ai.request.stream", "fallom.is_streaming", "fallom.time_to_first_token_ms");
	}

	private ChatModel openAi(String modelName) {
		this.built.computeIfAbsent(modelName, (name) -> new AtomicInteger()).incrementAndGet();
		return OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName(modelName)
			.maxRetries(0)
			.listeners(List.of(FallomChatModelListener.create(this.fallom)))
			.build();
	}

	private StreamingChatModel openAiStreaming(String modelName) {
		return OpenAiStreamingChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName(modelName)
			.listeners(List.of(FallomChatModelListener.create(this.fallom)))
			.build();
	}

}
