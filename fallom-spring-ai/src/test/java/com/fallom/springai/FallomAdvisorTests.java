package com.fallom.springai;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.MockConfig;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.test.provider.ProviderRequest;
import com.fallom.tracing.FallomTrace;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import org.springframework.ai.anthropic.AnthropicChatModel;
import org.springframework.ai.anthropic.AnthropicChatOptions;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link FallomAdvisor} and the span handlers with Spring AI's real OpenAI and Anthropic
 * clients against the mock provider, exporting to the mock Fallom backend over loopback.
 */
class FallomAdvisorTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private Fallom fallom;

	private FallomAdvisors advisors;

	private ObservationRegistry registry;

	@BeforeEach
	void backend() {
		fallomServer.server().reset();
		provider.server().reset();
		Map<String, Integer> split = new LinkedHashMap<>();
		split.put("gpt-4o-mini", 50);
		split.put("gpt-4o", 50);
		fallomServer.server().putConfig("support", 1, split);
		fallomServer.server().putConfig("pinned", 1, Map.of("gpt-4.1", 100));
		fallomServer.server().putConfig("pinned", 2, Map.of("gpt-5", 100));
		fallomServer.server().putConfig("claude", 1, Map.of("claude-sonnet-4-5", 100));
		fallomServer.server()
			.putConfig(MockConfig.key("targeted")
				.version(1)
				.variant("gpt-4o-mini", 100)
				.variant("gpt-4o", 0)
				.customer("vip-1", 1));
		fallomServer.server().putPrompt("support-prompt", 3, "You help customers of {{ shop }}.",
				"Question: {{ question }}");
		fallomServer.server()
			.putPromptAbTest("{\"key\": \"support-test\", \"version\": 1, \"variants\": "
					+ "[{\"prompt_key\": \"support-prompt\", \"prompt_version\": 3, \"weight\": 100}]}");
	}

	@AfterEach
	void close() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	private void start(boolean captureContent) {
		this.fallom = Fallom.builder(Map.of())
			// These tests read the OTLP span attributes the integration writes
			.tracingProtocol("otlp")
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.build();
		this.advisors = FallomAdvisors.of(this.fallom);
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.fallom.tracer(), captureContent))
			.observationHandler(new FallomToolObservationHandler(this.fallom.tracer(), captureContent))
			.observationHandler(new FallomChatClientObservationHandler(this.fallom.tracer(), captureContent));
	}

	@Test
	void assignsTheSessionsModelKeepsTheCallersOtherOptionsAndTagsTheChatSpan() {
		start(false);
		ChatClient chatClient = chatClient(openAi());
		FallomAdvisors fallomAdvisors = this.advisors;
		String sessionId = "session-7";
		// tag::per-call[]
		String answer = chatClient.prompt()
			.advisors(fallomAdvisors.abTest("support").fallback("gpt-4o-mini"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, sessionId).param(FallomAdvisor.CUSTOMER_ID, "acme"))
			.options(ChatOptions.builder().temperature(0.25)) // kept: the advisor sets only the model
			.user("Hi")
			.call()
			.content();
		// end::per-call[]
		assertThat(answer).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		assertThat(FallomSessionHolder.get()).as("nothing left on the calling thread").isNull();
		String expected = this.fallom.models().get("support", "session-7");
		ProviderRequest request = provider.server().lastRequest();
		assertThat(request.model()).isEqualTo(expected);
		assertThat(request.json().get("temperature").asDouble()).isEqualTo(0.25);
		ReceivedSpan chat = chatSpans().get(0);
		assertThat(chat.attributes()).containsEntry("fallom.config_key", "support")
			.containsEntry("fallom.session_id", "session-7")
			.containsEntry("fallom.config_version", "1")
			.containsEntry("fallom.customer_id", "acme")
			.containsEntry("gen_ai.system", "openai")
			.containsEntry("gen_ai.request.model", expected)
			.containsEntry("gen_ai.response.model", expected)
			.containsEntry("gen_ai.usage.input_tokens", 10L)
			.containsEntry("gen_ai.usage.output_tokens", 5L)
			.doesNotContainKey("gen_ai.prompt.0.content");
		assertThat(chat.duration()).isPositive();
	}

	@Test
	void aDefaultAdvisorAssignsEachCallsOwnSessionOnAnyThread() throws Exception {
		start(false);
		ChatClient client = ChatClient.builder(openAi(), this.registry, null, null)
			.defaultAdvisors(this.advisors.abTest("support"))
			.build();
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				String sessionId = "session-" + i;
				calls.add(CompletableFuture.supplyAsync(() -> client.prompt()
					.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, sessionId))
					.user("Hi " + sessionId)
					.call()
					.content(), executor));
			}
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdown();
		}
		List<ReceivedSpan> chats = chatSpans();
		assertThat(chats).hasSize(12);
		assertThat(chats).allSatisfy((span) -> {
			String sessionId = (String) span.attributes().get("fallom.session_id");
			assertThat(span.attributes()).containsEntry("gen_ai.request.model",
					this.fallom.models().get("support", sessionId));
		});
		assertThat(chats).extracting((span) -> span.attributes().get("gen_ai.request.model"))
			.contains("gpt-4o", "gpt-4o-mini");
	}

	@Test
	void takesTheSessionOfTheCurrentFallomSession() {
		start(false);
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("anything", "session-3")) {
			chatClient(openAi()).prompt().advisors(this.advisors.abTest("support")).user("Hi").call().content();
		}
		assertThat(chatSpans().get(0).attributes()).containsEntry("fallom.session_id", "session-3")
			.containsEntry("fallom.config_key", "support");
	}

	@Test
	void theAdvisorsSessionWinsOverAnotherSessionLeftOnTheThreadForTheWholeRun() {
		start(false);
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("stale", "stale-session")) {
			chatClient(openAi()).prompt()
				.advisors(this.advisors.abTest("support"))
				.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "session-9"))
				.user("Hi")
				.call()
				.content();
		}
		assertThat(spans()).isNotEmpty()
			.allSatisfy((span) -> assertThat(span.attributes()).containsEntry("fallom.session_id", "session-9")
				.containsEntry("fallom.config_key", "support"));
	}

	@Test
	void theCustomerIdReachesTheConfigsTargetingFromTheParameterOrTheSession() {
		start(false);
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("targeted"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s-1").param(FallomAdvisor.CUSTOMER_ID, "vip-1"))
			.user("Hi")
			.call()
			.content();
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4o");
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("web", "s-2")) {
			FallomSessionHolder.set(FallomSessionHolder.get().withCustomerId("vip-1"));
			chatClient(openAi()).prompt().advisors(this.advisors.abTest("targeted")).user("Hi").call().content();
		}
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4o");
		assertThat(chatSpans()).hasSize(2)
			.allSatisfy((span) -> assertThat(span.attributes()).containsEntry("fallom.customer_id", "vip-1")
				.containsEntry("gen_ai.request.model", "gpt-4o"));
	}

	@Test
	void aPinnedVersionAssignsThatVersionsModel() {
		start(false);
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("pinned").version(1))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
			.user("Hi")
			.call()
			.content();
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4.1");
		assertThat(chatSpans().get(0).attributes()).containsEntry("fallom.config_version", "1");
	}

	@Test
	void appliesTheManagedPromptWithVariablesFromTheAdvisorContext() {
		start(false);
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support").prompt("support-prompt"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s")
				.param("shop", "Acme")
				.param("question", "Where is my parcel?"))
			.user("ignored when the prompt has a user template")
			.call()
			.content();
		String body = provider.server().lastRequest().bodyAsString();
		assertThat(body).contains("You help customers of Acme.").contains("Question: Where is my parcel?");
		assertThat(chatSpans().get(0).attributes()).containsEntry("fallom.prompt_key", "support-prompt")
			.containsEntry("fallom.prompt_version", 3L);
	}

	@Test
	void appliesTheSessionsVariantOfAPromptAbTest() {
		start(false);
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support").promptAbTest("support-test"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s").param("shop", "Acme").param("question", "Q?"))
			.call()
			.content();
		assertThat(provider.server().lastRequest().bodyAsString()).contains("Question: Q?");
		assertThat(chatSpans().get(0).attributes()).containsEntry("fallom.prompt_ab_test", "support-test")
			.containsEntry("fallom.prompt_variant", 0L);
	}

	@Test
	void rejectsANullOrBlankConfigKeyWhenBuilt() {
		start(false);
		assertThatIllegalArgumentException().isThrownBy(() -> this.advisors.abTest(null));
		assertThatIllegalArgumentException().isThrownBy(() -> this.advisors.abTest(" "));
	}

	@Test
	void withoutASessionUsesTheFallback() {
		start(false);
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support").fallback("gpt-3.5-turbo"))
			.user("Hi")
			.call()
			.content();
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-3.5-turbo");
	}

	@Test
	void withoutASessionOrFallbackFailsSayingHowToSetASession() {
		start(false);
		assertThatIllegalStateException()
			.isThrownBy(() -> chatClient(openAi()).prompt()
				.advisors(this.advisors.abTest("support"))
				.user("Hi")
				.call()
				.content())
			.withMessageContaining("FallomAdvisor.SESSION_ID")
			.withMessageContaining("@FallomSession");
		assertThat(provider.server().requests()).isEmpty();
	}

	@Test
	void anUnknownConfigOrPromptWithAFallbackNeverFailsTheCall() {
		start(false);
		String answer = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("no-such-config").prompt("no-such-prompt").fallback("gpt-3.5-turbo"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
			.user("Hi")
			.call()
			.content();
		assertThat(answer).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-3.5-turbo");
		assertThat(provider.server().lastRequest().bodyAsString()).contains("Hi");
	}

	@Test
	void aStreamsSpanCarriesTheFinalUsageAndTheTimeToTheFirstChunk() {
		start(false);
		provider.server().enqueue(ProviderReply.text("It is sunny today.").usage(21, 4).delay(Duration.ofMillis(120)));
		List<String> chunks = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "session-7"))
			.options(OpenAiChatOptions.builder().streamUsage(true))
			.user("Weather?")
			.stream()
			.content()
			.collectList()
			.block(TIMEOUT);
		assertThat(String.join("", chunks)).isEqualTo("It is sunny today.");
		await().atMost(TIMEOUT).until(() -> isChat(fallomServer.server().receivedSpans(), 1));
		ReceivedSpan chat = chatSpans().get(0);
		assertThat(chat.attributes()).containsEntry("fallom.is_streaming", true)
			.containsEntry("gen_ai.usage.input_tokens", 21L)
			.containsEntry("gen_ai.usage.output_tokens", 4L)
			.containsEntry("fallom.session_id", "session-7");
		assertThat((Long) chat.attributes().get("fallom.time_to_first_token_ms")).isBetween(100L,
				chat.duration().toMillis());
		assertThat(StreamedCall.inFlight()).isZero();
	}

	@Test
	void aStreamTakesTheSessionOfItsSubscribersReactorContextOverTheThreads() {
		// A WebFlux request's session is in the Reactor Context; without
		// context-propagation=auto, the subscribing thread may hold another session.
		start(false);
		FallomSessionContext threads = new FallomSessionContext("support", "session-A");
		FallomSessionHolder.set(threads);
		List<String> chunks = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.user("Hi")
			.stream()
			.content()
			.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY,
					new FallomSessionContext("support", "session-B", "acme")))
			.collectList()
			.block(TIMEOUT);
		assertThat(String.join("", chunks)).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		assertThat(FallomSessionHolder.get()).as("the thread's own session restored").isSameAs(threads);
		assertThat(provider.server().lastRequest().model())
			.isEqualTo(this.fallom.models().get("support", "session-B"));
		await().atMost(TIMEOUT).until(() -> isChat(fallomServer.server().receivedSpans(), 1));
		assertThat(chatSpans().get(0).attributes()).containsEntry("fallom.session_id", "session-B")
			.containsEntry("fallom.customer_id", "acme");
	}

	@Test
	void aStreamTheCallerCancelsEndsItsSpanAsCancelled() {
		start(false);
		provider.server().enqueue(ProviderReply.text("one two three four five six").chunkDelay(Duration.ofMillis(50)));
		String first = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
			.user("Count")
			.stream()
			.content()
			.blockFirst(TIMEOUT);
		assertThat(first).isNotEmpty();
		await().atMost(TIMEOUT).until(() -> isChat(fallomServer.server().receivedSpans(), 1));
		ReceivedSpan chat = chatSpans().get(0);
		assertThat(chat.statusCode()).isEqualTo("ERROR");
		assertThat(chat.statusMessage()).isEqualTo("cancelled");
		assertThat(chat.attributes()).containsEntry("fallom.cancelled", true);
	}

	@Test
	void anErrorMidStreamEndsTheSpanWithTheError() {
		start(false);
		provider.server().enqueue(ProviderReply.text("one two three four five six").failStreamAfter(2));
		Flux<String> stream = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
			.user("Count")
			.stream()
			.content();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> stream.blockLast(TIMEOUT));
		await().atMost(TIMEOUT).until(() -> isChat(fallomServer.server().receivedSpans(), 1));
		ReceivedSpan chat = chatSpans().get(0);
		assertThat(chat.statusCode()).isEqualTo("ERROR");
		assertThat(chat.attributes()).containsKey("error.type").doesNotContainKey("fallom.cancelled");
	}

	@Test
	void aToolCallingRoundTripExportsTheToolSpanUnderTheChatClientSpanWithTheSession() {
		start(false);
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"), ProviderReply.text("In transit."));
		String answer = chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "session-7"))
			.tools(new OrderTools())
			.user("Where is order 4711?")
			.call()
			.content();
		assertThat(answer).isEqualTo("In transit.");
		List<ReceivedSpan> spans = spans();
		ReceivedSpan tool = spans.stream().filter((span) -> span.name().equals("execute_tool orderStatus")).findFirst()
			.orElseThrow();
		ReceivedSpan root = spans.stream().filter(ReceivedSpan::isRoot).findFirst().orElseThrow();
		assertThat(root.attributes()).containsEntry("spring.ai.kind", "chat_client")
			.containsEntry("fallom.session_id", "session-7");
		assertThat(spans).allSatisfy((span) -> {
			assertThat(span.traceId()).isEqualTo(root.traceId());
			assertThat(span.attributes()).containsEntry("fallom.session_id", "session-7");
		});
		assertThat(tool.attributes()).containsEntry("gen_ai.tool.name", "orderStatus")
			.containsKey("gen_ai.tool.call.id")
			.doesNotContainKeys("gen_ai.tool.call.arguments", "gen_ai.tool.call.result");
		assertThat(spans.stream().filter((span) -> span.name().startsWith("chat ") || span.name().equals("chat")))
			.hasSize(2)
			.allSatisfy((span) -> assertThat(span.attributes()).containsEntry("gen_ai.request.model",
					this.fallom.models().get("support", "session-7")));
	}

	@Test
	void contentCaptureOnSendsToolArgumentsAndResults() {
		start(true);
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"), ProviderReply.text("In transit."));
		chatClient(openAi()).prompt()
			.advisors(this.advisors.abTest("support"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
			.tools(new OrderTools())
			.user("Where is order 4711?")
			.call()
			.content();
		ReceivedSpan tool = spans().stream()
			.filter((span) -> span.name().equals("execute_tool orderStatus"))
			.findFirst()
			.orElseThrow();
		assertThat(tool.attributes()).containsEntry("gen_ai.tool.call.result", "\"status of 4711: in transit\"");
		assertThat((String) tool.attributes().get("gen_ai.tool.call.arguments")).contains("4711");
	}

	@Test
	void anthropicCallAndStreamCarryModelTokensAndSession() {
		start(false);
		provider.server().enqueue(ProviderReply.text("Hi there.").usage(12, 3), ProviderReply.text("Hi again.").usage(13, 4));
		ChatClient client = chatClient(anthropic());
		client.prompt()
			.advisors(this.advisors.abTest("claude"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s-a").param(FallomAdvisor.CUSTOMER_ID, "acme"))
			.user("Hi")
			.call()
			.content();
		client.prompt()
			.advisors(this.advisors.abTest("claude"))
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s-a"))
			.user("Hi")
			.stream()
			.content()
			.blockLast(TIMEOUT);
		// A stream's observation stops on the provider's thread, just after the last chunk
		// reached the caller: wait for it before closing.
		await().atMost(TIMEOUT).until(() -> isChat(fallomServer.server().receivedSpans(), 2));
		List<ReceivedSpan> chats = chatSpans();
		assertThat(chats).hasSize(2).allSatisfy((span) -> assertThat(span.attributes())
			.containsEntry("gen_ai.system", "anthropic")
			.containsEntry("gen_ai.request.model", "claude-sonnet-4-5")
			.containsEntry("fallom.session_id", "s-a"));
		assertThat(chats).extracting((span) -> span.attributes().get("gen_ai.usage.output_tokens"))
			.containsExactlyInAnyOrder(3L, 4L);
	}

	@Test
	void privacyModeSendsNoPromptCompletionOrToolTextButContentCaptureDoes() {
		for (boolean capture : new boolean[] { false, true }) {
			backend();
			start(capture);
			provider.server()
				.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"secret-order-991\"}"),
						ProviderReply.text("Parcel secret-answer-772 is late."));
			chatClient(openAi()).prompt()
				.advisors(this.advisors.abTest("support"))
				.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, "s"))
				.tools(new OrderTools())
				.user("Where is secret-question-553?")
				.call()
				.content();
			this.fallom.close();
			String received = new String(fallomServer.server().allReceivedBytes(), StandardCharsets.ISO_8859_1);
			assertThat(received).contains("s").contains("orderStatus");
			List<String> secrets = List.of("secret-question-553", "secret-order-991", "secret-answer-772");
			if (capture) {
				assertThat(secrets).as("positive control").allMatch(received::contains);
			}
			else {
				assertThat(secrets).noneMatch(received::contains);
			}
		}
	}

	private List<ReceivedSpan> spans() {
		this.fallom.close();
		return fallomServer.server().receivedSpans();
	}

	private List<ReceivedSpan> chatSpans() {
		return spans().stream().filter(FallomAdvisorTests::isChat).toList();
	}

	private static boolean isChat(List<ReceivedSpan> spans, int count) {
		return spans.stream().filter(FallomAdvisorTests::isChat).count() == count;
	}

	private static boolean isChat(ReceivedSpan span) {
		return "chat".equals(span.attributes().get("gen_ai.operation.name")) || span.name().startsWith("chat ")
				|| span.name().equals("chat");
	}

	private ChatClient chatClient(ChatModel model) {
		return ChatClient.builder(model, this.registry, null, null,
				ToolCallingAdvisor.builder()
					.toolCallingManager(DefaultToolCallingManager.builder().observationRegistry(this.registry).build()))
			.build();
	}

	private ChatModel openAi() {
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

	private ChatModel anthropic() {
		return AnthropicChatModel.builder()
			.options(AnthropicChatOptions.builder()
				.baseUrl(provider.server().anthropicBaseUrl())
				.apiKey("sk-ant-test")
				.model("claude-sonnet-4-5")
				.maxTokens(256)
				.maxRetries(0)
				.build())
			.observationRegistry(this.registry)
			.build();
	}

	static class OrderTools {

		@Tool(description = "Look up the status of an order")
		String orderStatus(String id) {
			return "status of " + id + ": in transit";
		}

	}

}
