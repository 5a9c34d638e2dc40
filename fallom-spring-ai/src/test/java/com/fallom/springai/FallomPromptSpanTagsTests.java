package com.fallom.springai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptFallback;
import com.fallom.prompts.PromptVersion;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that every chat span carries the prompt tags of its own request, and only those:
 * the context travels in the request's messages, never in a thread or a global.
 */
class FallomPromptSpanTagsTests {

	private static final AttributeKey<String> PROMPT_KEY = AttributeKey.stringKey("fallom.prompt_key");

	private static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey("fallom.prompt_version");

	private static final AttributeKey<String> PROMPT_AB_TEST = AttributeKey.stringKey("fallom.prompt_ab_test");

	private static final AttributeKey<Long> PROMPT_VARIANT = AttributeKey.longKey("fallom.prompt_variant");

	private static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("fallom.session_id");

	private final InMemorySpanExporter spans = InMemorySpanExporter.create();

	private FallomTraceExporter exporter;

	private ObservedChatModel chatModel;

	private final FallomPrompts prompts = new FallomPrompts(new PromptRegistry(
			List.of(new PromptVersion("tone-warm", 1, "Be warm.", "{{ question }}"),
					new PromptVersion("tone-brief", 4, "Be brief.", "{{ question }}"),
					new PromptVersion("greeting", 2, "Say hello.", "Hello {{ name }}")),
			List.of(new PromptAbTest("tone-test", 1,
					List.of(PromptAbTest.Variant.current("tone-warm", 50), PromptAbTest.Variant.current("tone-brief", 50))),
					new PromptAbTest("greeting-test", 1, List.of(PromptAbTest.Variant.pinned("greeting", 2, 100))))));

	@BeforeEach
	void start() {
		this.exporter = new FallomTraceExporter(this.spans, Resource.getDefault(),
				new FallomTraceExporter.Settings(10_000, 1 << 24, 100, Duration.ofSeconds(1), Duration.ofSeconds(1)));
		this.exporter.start();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.exporter.getTracer(), false));
		this.chatModel = new ObservedChatModel(registry);
	}

	@AfterEach
	void stop() {
		FallomSessionHolder.clear();
		this.exporter.stop();
	}

	private List<SpanData> awaitSpans(int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.spans.getFinishedSpanItems().size() >= count);
		List<SpanData> finished = this.spans.getFinishedSpanItems();
		assertThat(finished).hasSize(count);
		return finished;
	}

	@Test
	void chatSpanCarriesThePromptOfItsRequestWithIntegerVersionAndVariant() {
		FallomPrompt prompt = this.prompts.getAb("greeting-test", "s1", Map.of("name", "Ada"));
		this.chatModel.call(FallomPromptMessages.prompt(prompt));
		SpanData span = awaitSpans(1).get(0);
		assertThat(span.getAttributes().get(PROMPT_KEY)).isEqualTo("greeting");
		assertThat(span.getAttributes().get(PROMPT_VERSION)).isEqualTo(2L);
		assertThat(span.getAttributes().get(PROMPT_AB_TEST)).isEqualTo("greeting-test");
		assertThat(span.getAttributes().get(PROMPT_VARIANT)).isEqualTo(0L);
	}

	@Test
	void promptWithoutATestCarriesNoTestTags() {
		this.chatModel.call(FallomPromptMessages.prompt(this.prompts.get("greeting", null)));
		SpanData span = awaitSpans(1).get(0);
		assertThat(span.getAttributes().get(PROMPT_KEY)).isEqualTo("greeting");
		assertThat(span.getAttributes().get(PROMPT_VERSION)).isEqualTo(2L);
		assertThat(span.getAttributes().get(PROMPT_AB_TEST)).isNull();
		assertThat(span.getAttributes().get(PROMPT_VARIANT)).isNull();
	}

	@Test
	void secondChatCallOfTheSameRequestWithoutAPromptCarriesNoPromptTags() {
		FallomPrompt prompt = this.prompts.getAb("tone-test", "s1", Map.of("question", "Where?"));
		this.chatModel.call(FallomPromptMessages.prompt(prompt));
		this.chatModel.call(new Prompt(new UserMessage("Summarise that"), ChatOptions.builder().model("gpt-4o").build()));
		List<SpanData> finished = awaitSpans(2);
		assertThat(finished.get(0).getAttributes().get(PROMPT_AB_TEST)).isEqualTo("tone-test");
		assertThat(finished.get(1).getAttributes().asMap().keySet())
			.noneMatch((key) -> key.getKey().startsWith("fallom.prompt_"));
	}

	@Test
	void fallbackPromptCarriesNoPromptTags() {
		FallomPrompt fallback = this.prompts.getAb("unknown-test", "s1", null,
				PromptFallback.of("Be helpful.", "Hi"));
		this.chatModel.call(FallomPromptMessages.prompt(fallback));
		assertThat(awaitSpans(1).get(0).getAttributes().get(PROMPT_KEY)).isNull();
	}

	@Test
	void streamedCallCarriesThePromptTags() {
		FallomPrompt prompt = this.prompts.getAb("greeting-test", "s1", Map.of("name", "Ada"));
		this.chatModel.stream(FallomPromptMessages.prompt(prompt)).blockLast(Duration.ofSeconds(10));
		assertThat(awaitSpans(1).get(0).getAttributes().get(PROMPT_KEY)).isEqualTo("greeting");
	}

	@Test
	void chatClientCallsCarryThePromptThroughMessages() {
		ChatClient chatClient = ChatClient.builder(this.chatModel).defaultSystem("Default system").build();
		FallomPrompt prompt = this.prompts.getAb("tone-test", "s7", Map.of("question", "Where is {my} order?"));
		chatClient.prompt().messages(FallomPromptMessages.messages(prompt)).call().content();
		FallomPrompt system = this.prompts.get("greeting", null);
		chatClient.prompt().messages(FallomPromptMessages.systemMessage(system)).user("A question").call().content();
		chatClient.prompt().user("No managed prompt").call().content();
		List<SpanData> finished = awaitSpans(3);
		assertThat(finished.get(0).getAttributes().get(PROMPT_KEY)).isEqualTo(prompt.key());
		assertThat(finished.get(0).getAttributes().get(PROMPT_VARIANT)).isEqualTo((long) prompt.variantIndex());
		assertThat(finished.get(1).getAttributes().get(PROMPT_KEY)).isEqualTo("greeting");
		assertThat(finished.get(2).getAttributes().get(PROMPT_KEY)).isNull();
	}

	/**
	 * Many requests at once, each on a pooled thread with its own session and its own
	 * prompt from one of two tests. All of them fetch their prompt, wait for each other,
	 * then call the model: a prompt context kept in a global would be the last one
	 * fetched for every span, and one kept in a thread local would leak into the
	 * requests that use no prompt.
	 */
	@Test
	void concurrentRequestsOnReusedThreadsEachCarryTheirOwnPromptTags() throws Exception {
		int requests = 48;
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CyclicBarrier fetched = new CyclicBarrier(8);
		try {
			List<Future<Expected>> futures = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				String sessionId = "session-" + i;
				String test = (i % 3 == 0) ? "greeting-test" : "tone-test";
				boolean usesPrompt = i % 4 != 3;
				futures.add(pool.submit(() -> {
					FallomSessionHolder.set(new FallomSessionContext(test, sessionId));
					try {
						FallomPrompt prompt = usesPrompt
								? this.prompts.getAb(test, sessionId, Map.of("name", sessionId, "question", "Why?"))
								: null;
						fetched.await(10, TimeUnit.SECONDS);
						Prompt request = (prompt != null) ? FallomPromptMessages.prompt(prompt)
								: new Prompt(new UserMessage("No managed prompt"));
						this.chatModel.call(request);
						return new Expected(sessionId, prompt);
					}
					finally {
						FallomSessionHolder.clear();
					}
				}));
			}
			List<Expected> expected = new ArrayList<>();
			for (Future<Expected> future : futures) {
				expected.add(future.get(30, TimeUnit.SECONDS));
			}
			List<SpanData> finished = awaitSpans(requests);
			for (Expected request : expected) {
				SpanData span = finished.stream()
					.filter((candidate) -> request.sessionId().equals(candidate.getAttributes().get(SESSION_ID)))
					.findFirst()
					.orElseThrow();
				FallomPrompt prompt = request.prompt();
				if (prompt == null) {
					assertThat(span.getAttributes().get(PROMPT_KEY)).as(request.sessionId()).isNull();
					continue;
				}
				assertThat(span.getAttributes().get(PROMPT_KEY)).as(request.sessionId()).isEqualTo(prompt.key());
				assertThat(span.getAttributes().get(PROMPT_VERSION)).isEqualTo((long) prompt.version());
				assertThat(span.getAttributes().get(PROMPT_AB_TEST)).isEqualTo(prompt.abTestKey());
				assertThat(span.getAttributes().get(PROMPT_VARIANT)).isEqualTo((long) prompt.variantIndex());
			}
			assertThat(expected).extracting(Expected::prompt)
				.filteredOn((prompt) -> prompt != null)
				.extracting(FallomPrompt::key)
				.contains("tone-warm", "tone-brief", "greeting");
		}
		finally {
			pool.shutdownNow();
		}
	}

	private record Expected(String sessionId, FallomPrompt prompt) {

	}

}
