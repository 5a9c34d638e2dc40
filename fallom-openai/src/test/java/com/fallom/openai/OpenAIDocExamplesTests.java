package com.fallom.openai;

import java.time.Duration;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.prompts.PromptContext;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The examples of the OpenAI section of docs/provider-sdks.md, run against the mock
 * Fallom server and the mock provider; sample-app's {@code DocsTests} checks that the
 * page's Java blocks are these tagged regions.
 */
class OpenAIDocExamplesTests {

	private static final String RESPONSE = """
			{"id": "resp_1", "object": "response", "created_at": 1767310514, "status": "completed",
			 "model": "gpt-4.1-mini-2025-04-14", "error": null, "incomplete_details": null, "instructions": null,
			 "metadata": {}, "parallel_tool_calls": true, "temperature": 1.0, "tool_choice": "auto", "tools": [],
			 "top_p": 1.0, "output": [{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
			 "content": [{"type": "output_text", "text": "Parcels in the rain", "annotations": []}]}],
			 "usage": {"input_tokens": 9, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 5,
			 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 14}}
			""";

	@Test
	void wrapAClientAndCallItInASession() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start()) {
			server.putConfig("support-bot", 1, Map.of("gpt-4.1-mini", 100));
			provider.enqueue(ProviderReply.text("Your order has shipped."), ProviderReply.recorded(200, RESPONSE));
			String sessionId = "session-42";
			String question = "Where is my order?";
			try (Fallom fallom = Fallom.builder(Map.of())
				.apiKey(server.apiKey())
				.baseUrl(server.baseUrl())
				.awaitFirstSync(true)
				.build()) {
				// tag::wrap[]
				FallomOpenAI fallomOpenAI = FallomOpenAI.create(fallom);
				OpenAIClient openai = fallomOpenAI.wrap(OpenAIOkHttpClient.builder()
					.baseUrl(provider.openAiBaseUrl())     // usually fromEnv()
					.apiKey("sk-test")
					.build());

				try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", sessionId)) {
					ChatCompletion answer = openai.chat().completions().create(ChatCompletionCreateParams.builder()
						.model(fallomOpenAI.model("support-bot", "gpt-4o-mini")) // the session's A/B variant
						.addUserMessage(question)
						.build());
					Response haiku = openai.responses().create(ResponseCreateParams.builder()
						.model("gpt-4.1-mini")
						.input("Write a haiku about parcels")
						.build());
				}
				// end::wrap[]
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> server.traceRecords().size() == 2);
			assertThat(server.traceRecords()).extracting(TraceRecord::name)
				.containsExactlyInAnyOrder("chat.completions.create", "responses.create");
			assertThat(provider.requests().get(0).model()).isEqualTo("gpt-4.1-mini");
		}
	}

	@Test
	void streamAndTagWithAPrompt() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start();
				Fallom fallom = Fallom.builder(Map.of()).apiKey(server.apiKey()).baseUrl(server.baseUrl()).build()) {
			provider.enqueue(ProviderReply.text("Hello there, streamed."));
			OpenAIClient openai = FallomOpenAI.create(fallom)
				.wrap(OpenAIOkHttpClient.builder().baseUrl(provider.openAiBaseUrl()).apiKey("sk-test").build());
			PromptContext promptContext = new PromptContext("support-reply", 3, null, null);
			StringBuilder printed = new StringBuilder();
			ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
				.model("gpt-4o-mini")
				.addUserMessage("Hi")
				.build();
			// tag::stream[]
			try (FallomOpenAI.PromptScope prompt = FallomOpenAI.withPrompt(promptContext); // e.g. fallom.prompts().get(...).context()
					StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params)) {
				stream.stream()
					.flatMap((chunk) -> chunk.choices().stream())
					.forEach((choice) -> choice.delta().content().ifPresent(printed::append)); // as each chunk arrives
			}
			// end::stream[]
			assertThat(printed).hasToString("Hello there, streamed.");
			await().atMost(Duration.ofSeconds(10)).until(() -> server.traceRecords().size() == 1);
			TraceRecord record = server.traceRecords().get(0);
			assertThat(record.body()).containsEntry("is_streaming", true).containsEntry("prompt_key", "support-reply");
		}
	}

}
