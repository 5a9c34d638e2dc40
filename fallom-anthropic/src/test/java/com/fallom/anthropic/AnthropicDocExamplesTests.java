package com.fallom.anthropic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * Fallom backend and the mock provider; the last test checks that every Java block of
 * that section is a tagged region of this file.
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

	private static final Pattern SNIPPET = Pattern
		.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```(\\w+)\\R(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);

	@Test
	void everyJavaBlockOfTheAnthropicSectionIsATaggedRegionOfThisFile() throws IOException {
		Path root = Path.of("").toAbsolutePath().getParent();
		String section = section(Files.readString(root.resolve("docs/provider-sdks.md")).replace("\r\n", "\n"));
		Matcher matcher = SNIPPET.matcher(section);
		int snippets = 0;
		while (matcher.find()) {
			snippets++;
			assertThat(matcher.group(4).stripTrailing()).as("block %s", matcher.group(2))
				.isEqualTo(region(root.resolve(matcher.group(1)), matcher.group(2)));
		}
		assertThat(snippets).isEqualTo(4);
		assertThat(Pattern.compile("^```java$", Pattern.MULTILINE).matcher(section).results().count()).isEqualTo(4);
	}

	/**
	 * The page's {@code ## Anthropic} section, up to the next second-level heading: the
	 * page has other providers' sections, checked by their own modules.
	 */
	private static String section(String page) {
		Matcher heading = Pattern.compile("^## Anthropic$", Pattern.MULTILINE).matcher(page);
		assertThat(heading.find()).as("## Anthropic section").isTrue();
		int end = page.indexOf("\n## ", heading.end());
		return page.substring(heading.start(), (end >= 0) ? end : page.length());
	}

	private static String region(Path file, String tag) throws IOException {
		List<String> region = new ArrayList<>();
		boolean inside = false;
		for (String line : Files.readAllLines(file)) {
			if (line.contains("tag::" + tag + "[]")) {
				inside = true;
			}
			else if (line.contains("end::" + tag + "[]")) {
				inside = false;
			}
			else if (inside) {
				region.add(line);
			}
		}
		int indent = region.stream().filter((l) -> !l.isBlank()).mapToInt(AnthropicDocExamplesTests::tabs).min().orElse(0);
		List<String> out = new ArrayList<>();
		for (String line : region) {
			String rest = line.isBlank() ? "" : line.substring(indent);
			int tabs = tabs(rest);
			out.add("    ".repeat(tabs) + rest.substring(tabs));
		}
		return String.join("\n", out).stripTrailing();
	}

	private static int tabs(String line) {
		int tabs = 0;
		while (tabs < line.length() && line.charAt(tabs) == '\t') {
			tabs++;
		}
		return tabs;
	}

}
