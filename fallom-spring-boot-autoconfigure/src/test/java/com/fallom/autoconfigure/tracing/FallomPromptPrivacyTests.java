package com.fallom.autoconfigure.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fallom.autoconfigure.prompts.FallomPromptsAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.springai.FallomPromptMessages;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.ReceivedSpan;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Privacy mode for managed prompts end to end: a prompt synced from the mock backend,
 * whose templates and variables hold distinctive strings, goes through a call and a
 * stream; every raw byte the backend received (traces, sessions, custom metrics) is
 * searched for the rendered text and for each variable value. The prompt key, version,
 * test and variant still arrive.
 */
@FallomMockServerTest
class FallomPromptPrivacyTests {

	private static final String SYSTEM_TEMPLATE = "SYSTEMTEMPLATE-5e1f0a";

	private static final String USER_TEMPLATE = "USERTEMPLATE-0b77c3";

	private static final String CUSTOMER_NAME = "VARNAME-d41d8c";

	private static final String QUESTION = "VARQUESTION-98f00b";

	private static final List<String> SECRETS = List.of(SYSTEM_TEMPLATE, USER_TEMPLATE, CUSTOMER_NAME, QUESTION);

	@BeforeEach
	void backend(FallomMockServer server) {
		server.reset();
		server.putConfig("support", 1, Map.of("gpt-4o", 100));
		server.putPrompt("support-prompt", 3, SYSTEM_TEMPLATE + " for {{ customer }}",
				USER_TEMPLATE + ": {{ question }}");
		server.putPromptAbTest("{\"key\": \"support-test\", \"version\": 1, \"variants\": "
				+ "[{\"prompt_key\": \"support-prompt\", \"prompt_version\": 3, \"weight\": 100}]}");
	}

	@Test
	void captureContentFalseSendsPromptKeyVersionTestAndVariantButNoTextAndNoVariable(FallomMockServer server) {
		String received = exercise(server, (runner) -> runner.withPropertyValues("fallom.capture-content=false"));
		assertThat(SECRETS).noneMatch(received::contains);
		assertThat(server.receivedSpans()).hasSize(2).allSatisfy((span) -> {
			assertThat(span.attributes()).containsEntry("fallom.prompt_key", "support-prompt")
				.containsEntry("fallom.prompt_version", 3L)
				.containsEntry("fallom.prompt_ab_test", "support-test")
				.containsEntry("fallom.prompt_variant", 0L);
			assertThat(span.attributes().keySet())
				.noneMatch((key) -> key.startsWith("gen_ai.prompt.") || key.startsWith("gen_ai.completion."));
		});
	}

	@Test
	void captureContentOnSendsTheRenderedPromptSoTheScanCanFail(FallomMockServer server) {
		String received = exercise(server, UnaryOperator.identity());
		assertThat(SECRETS).allMatch(received::contains);
	}

	/**
	 * Fetch the prompt through the A/B test with both variables, send it through a
	 * {@code ChatClient} call and a stream, record a session and a custom metric, then
	 * close the context so that everything is flushed.
	 * @return every byte the backend received, as text
	 */
	private static String exercise(FallomMockServer server, UnaryOperator<ApplicationContextRunner> customizer) {
		customizer
			.apply(FallomTracingIntegrationTests.runner(server)
				.withConfiguration(AutoConfigurations.of(FallomPromptsAutoConfiguration.class))
				.withPropertyValues("fallom.prompts.sync=always"))
			.run((context) -> {
				context.getBean(FallomModels.class).get("support", "privacy-user");
				FallomPrompt prompt = context.getBean(FallomPrompts.class)
					.getAb("support-test", "privacy-user", Map.of("customer", CUSTOMER_NAME, "question", QUESTION));
				assertThat(prompt.user()).contains(QUESTION);
				context.getBean(ChatClient.class)
					.prompt()
					.messages(FallomPromptMessages.messages(prompt))
					.call()
					.content();
				context.getBean(ObservedChatModel.class)
					.stream(FallomPromptMessages.prompt(prompt))
					.blockLast(Duration.ofSeconds(10));
				context.getBean(FallomTrace.class).span(Map.of("satisfaction", 4));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> server.receivedSpans().size() == 2 && server.metrics().size() == 1
							&& server.sessions().size() == 1);
			});
		List<ReceivedSpan> spans = server.receivedSpans();
		assertThat(spans).hasSize(2);
		return new String(server.allReceivedBytes(), StandardCharsets.UTF_8);
	}

}
