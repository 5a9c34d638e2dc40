package com.fallom.anthropic;

import java.time.Duration;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fallom.Fallom;
import com.fallom.prompts.FallomPrompt;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The examples of the Anthropic section of docs/provider-sdks.md, run against the mock
 * Fallom backend and the mock provider; sample-app's {@code DocsTests} checks that the
 * page's Java blocks are these tagged regions.
 */
class AnthropicDocExamplesTests {

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	@Test
	void traceAClient() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start();
				Fallom fallom = Fallom.builder(Map.of())
					.apiKey(server.apiKey())
					.baseUrl(server.baseUrl())
					.build()) {
			String sessionId = "conv-42";
			// tag::wrap[]
			AnthropicClient client = FallomAnthropic.create(fallom)
				.wrap(AnthropicOkHttpClient.builder()
					.baseUrl(provider.anthropicBaseUrl()) // or AnthropicOkHttpClient.fromEnv()
					.apiKey("sk-ant-test")
					.build());

			try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", sessionId)) {
				Message answer = client.messages().create(MessageCreateParams.builder()
					.model("claude-sonnet-4-5")
					.maxTokens(1024)
					.addUserMessage("Where is my order?")
					.build());
			}
			// end::wrap[]
			TraceRecord record = awaitRecord(server);
			assertThat(record.name()).isEqualTo("messages.create");
			assertThat(record.sessionId()).isEqualTo("conv-42");
		}
	}

	@Test
	void traceAStream() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start();
				Fallom fallom = Fallom.builder(Map.of())
					.apiKey(server.apiKey())
					.baseUrl(server.baseUrl())
					.build()) {
			AnthropicClient client = FallomAnthropic.create(fallom)
				.wrap(AnthropicOkHttpClient.builder().baseUrl(provider.anthropicBaseUrl()).apiKey("sk-ant-test").build());
			MessageCreateParams params = MessageCreateParams.builder()
				.model("claude-sonnet-4-5")
				.maxTokens(1024)
				.addUserMessage("Where is my order?")
				.build();
			StringBuilder text = new StringBuilder();
			// tag::stream[]
			// Each event reaches you as it arrives; the record is sent when the stream ends
			try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
				stream.stream()
					.flatMap((event) -> event.contentBlockDelta().stream())
					.flatMap((delta) -> delta.delta().text().stream())
					.forEach((textDelta) -> text.append(textDelta.text()));
			}
			// end::stream[]
			TraceRecord record = awaitRecord(server);
			assertThat(record.isStreaming()).isTrue();
			assertThat(record.timeToFirstTokenMs()).isNotNull();
			assertThat(text.toString()).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		}
	}

	@Test
	void routeToTheVariantsModel() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start()) {
			server.putConfig("support-bot", 1, Map.of("claude-haiku-4-5", 100));
			try (Fallom fallom = Fallom.builder(Map.of()).apiKey(server.apiKey()).baseUrl(server.baseUrl()).build()) {
				AnthropicClient anthropicClient = AnthropicOkHttpClient.builder()
					.baseUrl(provider.anthropicBaseUrl())
					.apiKey("sk-ant-test")
					.build();
				MessageCreateParams params = MessageCreateParams.builder()
					.model("claude-sonnet-4-5")
					.maxTokens(1024)
					.addUserMessage("Where is my order?")
					.build();
				// tag::route[]
				AnthropicClient client = FallomAnthropic.builder(fallom)
					.routeModels() // or routeModels(ModelOptions.version(2)) to pin a config version
					.build()
					.wrap(anthropicClient);

				try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", "conv-42")) {
					// Sent with the model of conv-42's variant; "claude-sonnet-4-5" is the fallback
					client.messages().create(params);
				}
				// end::route[]
				assertThat(provider.lastRequest().model()).isEqualTo("claude-haiku-4-5");
			}
		}
	}

	@Test
	void tagWithAManagedPrompt() {
		try (FallomMockServer server = FallomMockServer.start(); MockProviderServer provider = MockProviderServer.start()) {
			server.putPrompt("support-agent", 3, "You help {{company}} customers.", "{{message}}");
			try (Fallom fallom = Fallom.builder(Map.of()).apiKey(server.apiKey()).baseUrl(server.baseUrl()).build()) {
				fallom.usePrompts();
				AnthropicClient client = FallomAnthropic.create(fallom)
					.wrap(AnthropicOkHttpClient.builder().baseUrl(provider.anthropicBaseUrl()).apiKey("sk-ant-test").build());
				// tag::prompt[]
				FallomPrompt prompt = fallom.prompts()
					.get("support-agent", Map.of("company", "Acme", "message", "Where is my order?"));
				try (PromptScope scope = FallomAnthropic.withPrompt(prompt.context())) {
					client.messages().create(MessageCreateParams.builder()
						.model("claude-sonnet-4-5")
						.maxTokens(1024)
						.system(prompt.system())
						.addUserMessage(prompt.user())
						.build());
				}
				// end::prompt[]
				TraceRecord record = awaitRecord(server);
				assertThat(record.body()).containsEntry("prompt_key", "support-agent").containsEntry("prompt_version", 3);
			}
		}
	}

	private static TraceRecord awaitRecord(FallomMockServer server) {
		await().atMost(Duration.ofSeconds(20)).until(() -> !server.traceRecords().isEmpty());
		return server.traceRecords().get(0);
	}

}
