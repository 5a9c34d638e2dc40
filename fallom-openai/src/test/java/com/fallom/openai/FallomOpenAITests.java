package com.fallom.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.TraceRecord;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.FunctionDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A wrapped OpenAI SDK client against the mock provider over real HTTP: privacy mode,
 * the SDK's own exceptions, its retries, async and streamed calls, the endpoints that are
 * not traced, and the A/B model helper.
 */
class FallomOpenAITests {

	private static final String SECRET_PROMPT = "What is the status of order 8812-secret?";

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void configs() {
		fallomServer.server().putConfig("support-bot", 4, Map.of("gpt-4.1-mini", 100));
	}

	@BeforeEach
	void reset() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		FallomSessionHolder.clear();
	}

	private Fallom fallom(boolean captureContent) {
		Fallom fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.awaitFirstSync(true)
			.build();
		this.closeables.add(fallom);
		return fallom;
	}

	private OpenAIClient client(Fallom fallom, int maxRetries) {
		OpenAIClient client = OpenAIOkHttpClient.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.maxRetries(maxRetries)
			.build();
		this.closeables.add(client::close);
		return FallomOpenAI.create(fallom).wrap(client);
	}

	private static ChatCompletionCreateParams question() {
		return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(SECRET_PROMPT).build();
	}

	private static TraceRecord onlyRecord() {
		await().atMost(Duration.ofSeconds(10)).until(() -> !fallomServer.server().traceRecords().isEmpty());
		List<TraceRecord> records = fallomServer.server().traceRecords();
		assertThat(records).hasSize(1);
		return records.get(0);
	}

	@Test
	void privacyModeSendsNoPromptAnswerOrToolName() {
		OpenAIClient client = client(fallom(false), 0);
		provider.server().enqueue(ProviderReply.toolCall("lookup_order_secret", "{\"order\":\"8812-secret\"}"));
		ChatCompletionCreateParams params = question().toBuilder()
			.addTool(ChatCompletionFunctionTool.builder()
				.function(FunctionDefinition.builder().name("lookup_order_secret").description("Find an order").build())
				.build())
			.build();
		try (FallomTrace.Scope scope = new FallomTrace().withSession("support-bot", "session-privacy")) {
			client.chat().completions().create(params);
		}
		TraceRecord record = onlyRecord();
		assertThat(record.status()).isEqualTo("OK");
		assertThat(record.sessionId()).isEqualTo("session-privacy");
		assertThat(record.attributes()).doesNotContainKeys(TraceRecord.RAW_REQUEST, TraceRecord.RAW_RESPONSE)
			.containsKeys(TraceRecord.RAW_USAGE, TraceRecord.RAW_TIMINGS);
		String json = JsonMapper.shared().writeValueAsString(record.body());
		assertThat(json).doesNotContain("8812-secret").doesNotContain("lookup_order_secret");
	}

	@Test
	void aProviderErrorIsAnErrorRecordAndTheCallerGetsTheSdksOwnException() {
		provider.server().enqueue(ProviderReply.error(400, "Invalid 'messages': bad role"));
		Throwable direct = catchThrowable(() -> OpenAIOkHttpClient.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.maxRetries(0)
			.build()
			.chat()
			.completions()
			.create(question()));
		OpenAIClient client = client(fallom(true), 0);
		provider.server().enqueue(ProviderReply.error(400, "Invalid 'messages': bad role"));
		Throwable traced = catchThrowable(() -> client.chat().completions().create(question()));
		assertThat(traced).isExactlyInstanceOf(BadRequestException.class)
			.isExactlyInstanceOf(direct.getClass())
			.hasMessage(direct.getMessage());
		assertThat(((OpenAIServiceException) traced).statusCode()).isEqualTo(400);
		TraceRecord record = onlyRecord();
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.model()).isEqualTo("gpt-4o-mini");
		assertThat(record.errorMessage()).contains("bad role");
		assertThat(record.attributes()).doesNotContainKeys(TraceRecord.RAW_REQUEST, TraceRecord.RAW_RESPONSE,
				TraceRecord.RAW_USAGE);
	}

	@Test
	void theSdksRetriesMakeOneRecordWithTheAttemptsCounted() {
		OpenAIClient client = client(fallom(true), 2);
		provider.server()
			.enqueue(ProviderReply.error(500, "overloaded"), ProviderReply.error(503, "overloaded"),
					ProviderReply.text("Shipped."));
		ChatCompletion answer = client.chat().completions().create(question());
		assertThat(answer.choices().get(0).message().content()).contains("Shipped.");
		assertThat(provider.server().requests()).hasSize(3);
		TraceRecord record = onlyRecord();
		assertThat(record.status()).isEqualTo("OK");
		assertThat(record.attribute("fallom.attempts")).isEqualTo("3");
	}

	@Test
	void asyncRetriesThatFailMakeOneErrorRecordWithTheAttemptsCounted() {
		Fallom fallom = fallom(true);
		OpenAIClientAsync client = OpenAIOkHttpClientAsync.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.maxRetries(1)
			.build();
		this.closeables.add(client::close);
		OpenAIClientAsync traced = FallomOpenAI.create(fallom).wrap(client);
		provider.server().enqueue(ProviderReply.error(500, "down"), ProviderReply.error(500, "still down"));
		CompletableFuture<ChatCompletion> future = traced.chat().completions().create(question());
		assertThat(catchThrowable(future::join)).hasCauseInstanceOf(OpenAIServiceException.class);
		TraceRecord record = onlyRecord();
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.attribute("fallom.attempts")).isEqualTo("2");
		assertThat(provider.server().requests()).hasSize(2);
	}

	@Test
	void anAsyncStreamIsTracedWithItsTimeToFirstToken() throws Exception {
		Fallom fallom = fallom(true);
		OpenAIClientAsync client = FallomOpenAI.create(fallom)
			.wrap(OpenAIOkHttpClientAsync.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.maxRetries(0)
				.build());
		this.closeables.add(client::close);
		provider.server().enqueue(ProviderReply.text("Your order has shipped.").usage(12, 6));
		StringBuilder text = new StringBuilder();
		CountDownLatch done = new CountDownLatch(1);
		ChatCompletionCreateParams params = question().toBuilder()
			.streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
				.includeUsage(true)
				.build())
			.build();
		try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", "session-async")) {
			AsyncStreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params);
			stream.subscribe(new AsyncStreamResponse.Handler<>() {

				@Override
				public void onNext(ChatCompletionChunk chunk) {
					chunk.choices().forEach((choice) -> choice.delta().content().ifPresent(text::append));
				}

				@Override
				public void onComplete(Optional<Throwable> error) {
					done.countDown();
				}

			});
		}
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(text).hasToString("Your order has shipped.");
		TraceRecord record = onlyRecord();
		assertThat(record.sessionId()).isEqualTo("session-async");
		assertThat(record.body()).containsEntry("is_streaming", true).containsKey("time_to_first_token_ms");
		assertThat(record.rawResponse()).asString().contains("Your order has shipped.");
		assertThat(record.rawUsage()).containsEntry("prompt_tokens", 12).containsEntry("completion_tokens", 6);
	}

	@Test
	void theCallerReadsAStreamAsItComesAndClosingItEarlyEndsTheRecordAsCancelled() throws Exception {
		OpenAIClient client = client(fallom(true), 0);
		// The second chunk comes only after a minute: a stream held back until its end would
		// not give the first one in time
		provider.server().enqueue(ProviderReply.text("First then much later the rest").chunkDelay(Duration.ofMinutes(1)));
		StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(question());
		Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
		CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
			StringBuilder text = new StringBuilder();
			while (text.length() == 0) {
				chunks.next().choices().forEach((choice) -> choice.delta().content().ifPresent(text::append));
			}
			return text.toString();
		});
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("First");
		assertThat(fallomServer.server().traceRecords()).isEmpty();
		stream.close();
		// As every integration records a stream its caller cancels
		TraceRecord record = onlyRecord();
		assertThat(record.status()).isEqualTo("ERROR");
		assertThat(record.errorMessage()).isEqualTo("cancelled");
		assertThat(record.body()).containsEntry("is_streaming", true).containsKey("time_to_first_token_ms");
	}

	@Test
	void endpointsThatAreNotTracedPassThroughUntouched() {
		OpenAIClient client = client(fallom(true), 0);
		CompletionCreateParams legacy = CompletionCreateParams.builder()
			.model(CompletionCreateParams.Model.GPT_3_5_TURBO_INSTRUCT)
			.prompt("Say hi")
			.build();
		assertThatExceptionOfType(NotFoundException.class).isThrownBy(() -> client.completions().create(legacy));
		provider.server().enqueue(ProviderReply.text("Raw."));
		assertThat(client.withRawResponse().chat().completions().create(question()).statusCode()).isEqualTo(200);
		assertThat(provider.server().requests()).hasSize(2);
		assertThat(fallomServer.server().traceRecords()).isEmpty();
	}

	@Test
	void clientsDerivedFromAWrappedOneStayTraced() {
		OpenAIClient client = client(fallom(true), 0);
		provider.server().enqueue(ProviderReply.text("One."), ProviderReply.text("Two."));
		client.withOptions((options) -> options.timeout(Duration.ofSeconds(30))).chat().completions().create(question());
		client.async().chat().completions().create(question()).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> fallomServer.server().traceRecords().size() == 2);
		assertThat(FallomOpenAI.isWrapped(client.async())).isTrue();
		assertThat(FallomOpenAI.create(fallom(true)).wrap(client)).isSameAs(client);
	}

	@Test
	void theModelHelperGivesTheSessionsVariantOrTheFallback() {
		Fallom fallom = fallom(true);
		FallomOpenAI openAi = FallomOpenAI.create(fallom);
		OpenAIClient client = client(fallom, 0);
		assertThat(openAi.model("support-bot", "gpt-4o-mini")).isEqualTo("gpt-4o-mini");
		provider.server().enqueue(ProviderReply.text("Routed."));
		try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", "session-ab")) {
			String model = openAi.model("support-bot", "gpt-4o-mini");
			assertThat(model).isEqualTo("gpt-4.1-mini");
			client.chat().completions().create(question().toBuilder().model(model).build());
		}
		assertThat(provider.server().lastRequest().model()).isEqualTo("gpt-4.1-mini");
		TraceRecord record = onlyRecord();
		assertThat(record.configKey()).isEqualTo("support-bot");
		assertThat(record.model()).isEqualTo("gpt-4.1-mini");
		assertThat(fallomServer.server().sessionRecords()).anySatisfy(
				(session) -> assertThat(session.assignedModel()).isEqualTo("gpt-4.1-mini"));
	}

}
