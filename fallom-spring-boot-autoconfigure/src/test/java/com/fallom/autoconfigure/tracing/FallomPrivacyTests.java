package com.fallom.autoconfigure.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fallom.models.FallomModels;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Privacy mode end to end: distinctive prompt, completion, tool-name, tool-call and
 * tool-result strings go through call, stream and failing calls, and every raw byte the
 * mock backend received (trace records, sessions, custom metrics) is searched for them
 * and for the raw request and response attributes.
 */
@FallomMockServerTest
class FallomPrivacyTests {

	private static final String SYSTEM = "SYSTEM-c0ffee-instructions";

	private static final String PROMPT = "PROMPT-7f3a9c-user-secret";

	private static final String COMPLETION = "COMPLETION-91bc4e-model-secret";

	private static final String TOOL_ARGUMENTS = "TOOLARGS-55d1ab";

	private static final String TOOL_RESULT = "TOOLRESULT-a0e2f7";

	private static final String ERROR_PROMPT = "ERRORPROMPT-3b8e11";

	private static final String TOOL_NAME = "TOOLNAME_lookup_e41d";

	private static final List<String> SECRETS = List.of(SYSTEM, PROMPT, COMPLETION, TOOL_ARGUMENTS, TOOL_RESULT,
			ERROR_PROMPT, TOOL_NAME);

	@BeforeAll
	static void configs(FallomMockServer server) {
		server.putConfig("support", 1, Map.of("gpt-4o", 100));
	}

	@Test
	void captureContentFalseSendsModelsTokensLatencyAndSessionButNeverContent(FallomMockServer server) {
		String received = exercise(server, (runner) -> runner.withPropertyValues("fallom.capture-content=false"));
		assertThat(SECRETS).noneMatch(received::contains);
		assertThat(received).doesNotContain("fallom.raw.request", "fallom.raw.response");
		assertThat(server.traceRecords()).allSatisfy((record) -> {
			// The model that answered, or the one asked for when the call failed
			assertThat(record.model()).isIn("gpt-4o-2024-08-06", "gpt-4o");
			assertThat(record.configKey()).isEqualTo("support");
			assertThat(record.sessionId()).isEqualTo("privacy-user");
			assertThat(record.durationMs()).isNotNegative();
			assertThat(record.hasContent()).isFalse();
		});
		assertThat(server.traceRecords()).filteredOn((record) -> "OK".equals(record.status()))
			.hasSize(2)
			.allSatisfy((record) -> assertThat(record.tokens("completion_tokens")).isEqualTo(34));
		assertThat(server.traceRecords()).filteredOn((record) -> "ERROR".equals(record.status()))
			.singleElement()
			.satisfies((record) -> assertThat(record.errorMessage()).isEqualTo("java.lang.IllegalArgumentException"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "false", "0", "no" })
	void pythonSdkEnvironmentVariableTurnsPrivacyModeOn(String value, FallomMockServer server) {
		String received = exercise(server, (runner) -> runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("env", Map.of("FALLOM_CAPTURE_CONTENT", value)))));
		assertThat(SECRETS).noneMatch(received::contains);
	}

	@Test
	void captureContentOnByDefaultDoesSendContentSoTheScanCanFail(FallomMockServer server) {
		String received = exercise(server, UnaryOperator.identity());
		assertThat(SECRETS).allMatch(received::contains);
		assertThat(received).contains("fallom.raw.request", "fallom.raw.response");
	}

	/**
	 * Run one call, one stream and one failing call with every kind of content, plus a
	 * session record and a custom metric, then close the context so that everything is
	 * flushed.
	 * @return every byte the backend received, as text
	 */
	private static String exercise(FallomMockServer server, UnaryOperator<ApplicationContextRunner> customizer) {
		customizer.apply(FallomTracingIntegrationTests.runner(server).withPropertyValues("fallom.tracing.protocol=records"))
			.run((context) -> {
			context.getBean(FallomModels.class).get("support", "privacy-user");
			ObservedChatModel chatModel = context.getBean(ObservedChatModel.class)
				.answering(COMPLETION)
				.callingTools(List.of(new AssistantMessage.ToolCall("call-1", "function", TOOL_NAME,
						"{\"query\":\"" + TOOL_ARGUMENTS + "\"}")));
			Prompt prompt = new Prompt(List.of(new SystemMessage(SYSTEM), new UserMessage(PROMPT),
					ToolResponseMessage.builder()
						.responses(List.of(new ToolResponseMessage.ToolResponse("call-1", TOOL_NAME, TOOL_RESULT)))
						.build()),
					ChatOptions.builder().model("gpt-4o").build());
			chatModel.call(prompt);
			chatModel.stream(prompt).blockLast(Duration.ofSeconds(10));
			chatModel.failingWith(new IllegalArgumentException("Rejected prompt: " + ERROR_PROMPT));
			try {
				chatModel.call(new Prompt(new UserMessage(ERROR_PROMPT), ChatOptions.builder().model("gpt-4o").build()));
			}
			catch (IllegalArgumentException expected) {
				// the span of the failed call is scanned below
			}
			context.getBean(FallomTrace.class).span(Map.of("satisfaction", 4));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.traceRecords().size() == 3 && server.metrics().size() == 1
						&& server.sessions().size() == 1);
		});
		assertThat(server.traceRecords()).hasSize(3);
		assertThat(server.traceSpans()).isEmpty();
		return new String(server.allReceivedBytes(), StandardCharsets.UTF_8);
	}

}
