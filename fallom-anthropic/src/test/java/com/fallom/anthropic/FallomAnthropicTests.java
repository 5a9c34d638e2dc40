package com.fallom.anthropic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.TraceRecord;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.test.provider.ProviderRequest;
import com.fallom.tracing.FallomTrace;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomAnthropic}: the official Anthropic SDK's clients over real HTTP
 * against the mock provider, their records at the mock Fallom backend. Privacy mode,
 * errors, retries, streams the caller reads as they come, closes early or sees fail,
 * model routing, and the endpoints that pass through untraced.
 */
class FallomAnthropicTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	@BeforeAll
	static void configs() {
		Map<String, Integer> split = new LinkedHashMap<>();
		split.put("claude-haiku-4-5", 50);
		split.put("claude-sonnet-4-5", 50);
		fallomServer.server().putConfig("support", 1, split);
	}

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
		assertThat(AttemptCounter.registered()).as("calls still counted").isZero();
	}

	@Test
	void privacyModeSendsNoContentNoToolNameAndNoErrorText() {
		AnthropicClient client = FallomAnthropic.create(fallom(false)).wrap(client(0));
		provider.server().enqueue(ProviderReply.text("The secret answer").andToolCall("lookup_secret", "{\"q\":\"x\"}"),
				ProviderReply.error(400, "secret provider text"));
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "s-1")) {
			client.messages().create(params("The secret question"));
			assertThatExceptionOfType(AnthropicServiceException.class)
				.isThrownBy(() -> client.messages().create(params("The secret question")));
		}
		List<TraceRecord> records = records(2);
		String json = mapper.writeValueAsString(records.stream().map(TraceRecord::body).toList());
		assertThat(json).doesNotContain("secret").doesNotContain("lookup");
		TraceRecord ok = records.stream().filter((r) -> "OK".equals(r.status())).findFirst().orElseThrow();
		assertThat(ok.attributes()).doesNotContainKeys("fallom.raw.request", "fallom.raw.response")
			.containsKeys("fallom.raw.usage", "fallom.raw.timings");
		assertThat(ok.rawTimings().get("toolCalls")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.hasSize(1);
		TraceRecord error = records.stream().filter((r) -> "ERROR".equals(r.status())).findFirst().orElseThrow();
		assertThat(error.errorMessage()).isEqualTo("com.anthropic.errors.BadRequestException");
	}

	@Test
	void errorsReachTheCallerAsTheSdkThrowsThemAndAreRecorded() {
		provider.server().enqueue(ProviderReply.error(400, "Bad model"), ProviderReply.error(400, "Bad model"));
		AnthropicClient plain = client(0);
		AnthropicClient traced = FallomAnthropic.create(fallom(true)).wrap(client(0));
		Throwable untracedError = catchThrowable(() -> plain.messages().create(params("Hi")));
		Throwable tracedError = catchThrowable(() -> traced.messages().create(params("Hi")));
		assertThat(tracedError).isExactlyInstanceOf(untracedError.getClass())
			.hasMessage(untracedError.getMessage());
		TraceRecord record = records(1).get(0);
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.errorMessage()).contains("Bad model");
		assertThat(record.model()).isEqualTo("claude-sonnet-4-5");
		assertThat(record.attributes()).containsOnlyKeys("fallom.sdk_version", "fallom.method");
	}

	@Test
	void asyncErrorsReachTheCallerUnchanged() {
		provider.server().enqueue(ProviderReply.error(400, "Bad model"), ProviderReply.error(400, "Bad model"));
		Throwable untracedError = catchThrowable(() -> asyncClient(0).messages().create(params("Hi")).join());
		AnthropicClientAsync traced = FallomAnthropic.create(fallom(true)).wrap(asyncClient(0));
		Throwable tracedError = catchThrowable(() -> traced.messages().create(params("Hi")).join());
		assertThat(tracedError).isExactlyInstanceOf(CompletionException.class);
		assertThat(tracedError.getCause()).isExactlyInstanceOf(untracedError.getCause().getClass())
			.hasMessage(untracedError.getCause().getMessage());
		assertThat(records(1).get(0).status()).isEqualTo("ERROR");
	}

	@Test
	void retriedCallMakesOneRecordCountingItsAttempts() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(2));
		provider.server().enqueue(ProviderReply.error(529, "Overloaded"), ProviderReply.text("At last"));
		Message message = client.messages().create(params("Hi"));
		assertThat(message.content().get(0).asText().text()).isEqualTo("At last");
		assertThat(provider.server().requests()).hasSize(2)
			.allSatisfy((request) -> assertThat(request.header(AttemptCounter.HEADER)).isNull());
		TraceRecord record = records(1).get(0);
		assertThat(record.status()).isEqualTo("OK");
		assertThat(record.attribute("fallom.attempts")).isEqualTo("2");
		assertThat(record.responseText()).isEqualTo("At last");
	}

	@Test
	void asyncRetriesOnOtherThreadsAreCountedToo() {
		AnthropicClientAsync client = FallomAnthropic.create(fallom(true)).wrap(asyncClient(2));
		provider.server().enqueue(ProviderReply.error(500, "Oops"), ProviderReply.error(500, "Oops"),
				ProviderReply.error(500, "Oops"));
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> client.messages().create(params("Hi")).join());
		TraceRecord record = records(1).get(0);
		assertThat(provider.server().requests()).hasSize(3);
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.attribute("fallom.attempts")).isEqualTo("3");
	}

	@Test
	void streamReachesTheCallerEventByEventAndIsRecordedWhenItEnds() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		provider.server().enqueue(ProviderReply.text("One two three four").usage(12, 4));
		StringBuilder text = new StringBuilder();
		try (FallomTrace.Scope scope = this.fallom.trace().withSession("support", "s-2");
				StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Count"))) {
			stream.stream()
				.filter(RawMessageStreamEvent::isContentBlockDelta)
				.forEach((event) -> event.asContentBlockDelta().delta().text().ifPresent((t) -> text.append(t.text())));
		}
		assertThat(text.toString()).isEqualTo("One two three four");
		TraceRecord record = records(1).get(0);
		assertThat(record.isStreaming()).isTrue();
		assertThat(record.timeToFirstTokenMs()).isNotNull().isNotNegative();
		assertThat(record.sessionId()).isEqualTo("s-2");
		assertThat(record.responseText()).isEqualTo("One two three four");
		assertThat(record.rawUsage()).containsEntry("input_tokens", 12).containsEntry("output_tokens", 4);
	}

	@Test
	void streamThatFailsMidwayGaveTheCallerItsEventsAndIsRecordedAsAnError() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		provider.server().enqueue(ProviderReply.text("One two three four five").failStreamAfter(2));
		List<RawMessageStreamEvent> received = new ArrayList<>();
		try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Count"))) {
			assertThatExceptionOfType(AnthropicServiceException.class)
				.isThrownBy(() -> stream.stream().forEach(received::add));
		}
		assertThat(received).filteredOn(RawMessageStreamEvent::isContentBlockDelta).hasSize(2);
		TraceRecord record = records(1).get(0);
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.isStreaming()).isTrue();
	}

	@Test
	void streamClosedEarlyByTheCallerIsRecordedOnce() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		provider.server().enqueue(ProviderReply.text("One two three four five six").chunkDelay(Duration.ofMillis(50)));
		try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Count"))) {
			assertThat(stream.stream().filter(RawMessageStreamEvent::isContentBlockDelta).findFirst()).isPresent();
		}
		TraceRecord record = records(1).get(0);
		assertThat(record.isStreaming()).isTrue();
		assertThat(record.timeToFirstTokenMs()).isNotNull();
		this.fallom.close();
		assertThat(fallomServer.server().traceRecords()).hasSize(1);
	}

	@Test
	void asyncStreamDeliversEveryEventToTheHandlerAndIsRecorded() {
		AnthropicClientAsync client = FallomAnthropic.create(fallom(true)).wrap(asyncClient(0));
		provider.server().enqueue(ProviderReply.text("Alpha beta gamma"));
		List<RawMessageStreamEvent> received = new ArrayList<>();
		CompletableFuture<Optional<Throwable>> completed = new CompletableFuture<>();
		AsyncStreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Greek"));
		stream.subscribe(new AsyncStreamResponse.Handler<>() {

			@Override
			public void onNext(RawMessageStreamEvent event) {
				received.add(event);
			}

			@Override
			public void onComplete(Optional<Throwable> error) {
				completed.complete(error);
			}

		});
		assertThat(completed.join()).isEmpty();
		assertThat(received).filteredOn(RawMessageStreamEvent::isMessageStop).hasSize(1);
		TraceRecord record = records(1).get(0);
		assertThat(record.isStreaming()).isTrue();
		assertThat(record.responseText()).isEqualTo("Alpha beta gamma");
	}

	@Test
	void routesCallsInASessionToTheModelOfItsVariant() {
		Fallom fallom = fallom(true);
		AnthropicClient client = FallomAnthropic.builder(fallom).routeModels().build().wrap(client(0));
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			String sessionId = "session-" + i;
			try (FallomTrace.Scope scope = fallom.trace().withSession("support", sessionId)) {
				client.messages().create(params("Hi"));
			}
			expected.add(fallom.models().get("support", sessionId));
		}
		assertThat(provider.server().requests()).extracting(ProviderRequest::model).containsExactlyElementsOf(expected);
		assertThat(expected).contains("claude-haiku-4-5", "claude-sonnet-4-5");
		List<TraceRecord> records = records(12);
		assertThat(records).allSatisfy((record) -> assertThat(record.configKey()).isEqualTo("support"));
	}

	@Test
	void theModelHelperGivesTheSessionsVariantOrTheFallback() {
		Fallom fallom = fallom(true);
		FallomAnthropic fallomAnthropic = FallomAnthropic.create(fallom);
		AnthropicClient client = fallomAnthropic.wrap(client(0));
		assertThat(fallomAnthropic.model("support", "claude-3-haiku")).as("no session").isEqualTo("claude-3-haiku");
		String expected = fallom.models().get("support", "session-3");
		FallomSessionHolder.clear();
		try (FallomTrace.Scope scope = fallom.trace().withSession("support", "session-3")) {
			String model = fallomAnthropic.model("support", "claude-3-haiku");
			assertThat(model).isEqualTo(expected).isNotEqualTo("claude-3-haiku");
			client.messages().create(params("Hi").toBuilder().model(model).build());
		}
		assertThat(provider.server().lastRequest().model()).isEqualTo(expected);
		assertThat(records(1).get(0).configKey()).isEqualTo("support");
	}

	@Test
	void keepsTheRequestedModelOutsideASessionOrForAnUnknownConfig() {
		Fallom fallom = fallom(true);
		AnthropicClient client = FallomAnthropic.builder(fallom).routeModels().build().wrap(client(0));
		client.messages().create(params("Hi"));
		try (FallomTrace.Scope scope = fallom.trace().withSession("no-such-config", "s-9")) {
			client.messages().create(params("Hi"));
		}
		assertThat(provider.server().requests()).extracting(ProviderRequest::model)
			.containsExactly("claude-sonnet-4-5", "claude-sonnet-4-5");
	}

	@Test
	void otherEndpointsPassThroughUntraced() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		// The mock provider serves only /v1/messages: the SDK's own 404 reaches the caller
		assertThatExceptionOfType(AnthropicServiceException.class)
			.isThrownBy(() -> client.messages()
				.countTokens(MessageCountTokensParams.builder()
					.model("claude-sonnet-4-5")
					.addUserMessage("Hi")
					.build()));
		client.messages().create(params("Hi"));
		this.fallom.close();
		assertThat(fallomServer.server().traceRecords()).hasSize(1);
		assertThat(provider.server().requests()).hasSize(2);
	}

	@Test
	void wrappingATracedClientReturnsIt() {
		FallomAnthropic anthropic = FallomAnthropic.create(fallom(true));
		AnthropicClient traced = anthropic.wrap(client(0));
		assertThat(anthropic.wrap(traced)).isSameAs(traced);
		AnthropicClientAsync tracedAsync = anthropic.wrap(asyncClient(0));
		assertThat(anthropic.wrap(tracedAsync)).isSameAs(tracedAsync);
	}

	@Test
	void clientsDerivedFromATracedClientAreTraced() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		provider.server().enqueue(ProviderReply.text("a"), ProviderReply.text("b"));
		client.withOptions((options) -> options.putHeader("x-test", "1")).messages().create(params("Hi"));
		client.async().messages().create(params("Hi")).join();
		assertThat(records(2)).extracting(TraceRecord::name).containsOnly("messages.create");
	}

	@Test
	void toolsOfferedAndCalledAreRecordedInAnthropicsShape() {
		AnthropicClient client = FallomAnthropic.create(fallom(true)).wrap(client(0));
		provider.server().enqueue(ProviderReply.toolCall("get_weather", "{\"city\":\"Paris\"}"));
		client.messages().create(MessageCreateParams.builder()
			.model("claude-sonnet-4-5")
			.maxTokens(256)
			.system("Be brief.")
			.addUserMessage("Weather in Paris?")
			.addTool(Tool.builder()
				.name("get_weather")
				.inputSchema(Tool.InputSchema.builder()
					.properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
					.build())
				.build())
			.build());
		TraceRecord record = records(1).get(0);
		Map<?, ?> request = mapper.readValue(record.attribute("fallom.raw.request"), Map.class);
		assertThat(request.get("system")).isEqualTo("Be brief.");
		assertThat((List<?>) request.get("tools")).singleElement()
			.satisfies((tool) -> assertThat(((Map<?, ?>) tool).get("name")).isEqualTo("get_weather"));
		Map<?, ?> response = mapper.readValue(record.attribute("fallom.raw.response"), Map.class);
		assertThat((List<?>) response.get("toolCalls")).singleElement()
			.satisfies((call) -> assertThat(((Map<?, ?>) call).get("arguments")).isEqualTo(Map.of("city", "Paris")));
		assertThat(response.get("finishReason")).isEqualTo("tool_use");
	}

	private Fallom fallom(boolean captureContent) {
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.build();
		return this.fallom;
	}

	private static Throwable catchThrowable(Runnable call) {
		try {
			call.run();
		}
		catch (Throwable ex) {
			return ex;
		}
		throw new AssertionError("Expected an exception");
	}

	static MessageCreateParams params(String text) {
		return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage(text).build();
	}

	static AnthropicClient client(int maxRetries) {
		return AnthropicOkHttpClient.builder()
			.baseUrl(provider.server().anthropicBaseUrl())
			.apiKey("sk-ant-test")
			.maxRetries(maxRetries)
			.build();
	}

	static AnthropicClientAsync asyncClient(int maxRetries) {
		return AnthropicOkHttpClientAsync.builder()
			.baseUrl(provider.server().anthropicBaseUrl())
			.apiKey("sk-ant-test")
			.maxRetries(maxRetries)
			.build();
	}

	private static List<TraceRecord> records(int count) {
		await().atMost(Duration.ofSeconds(20)).until(() -> fallomServer.server().traceRecords().size() >= count);
		return fallomServer.server().traceRecords();
	}

}
