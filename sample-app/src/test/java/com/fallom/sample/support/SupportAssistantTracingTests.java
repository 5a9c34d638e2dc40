package com.fallom.sample.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.sample.support.SupportAssistant.ChatAnswer;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.ReceivedSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's agent run through the whole Boot auto-configuration chain: the
 * {@code FallomAdvisor} assigns the model and prompt, the model asks for the order tool,
 * and Fallom receives the ChatClient call's span with the tool and chat spans under it,
 * each with the session.
 */
// The run's spans are checked by their OTLP attributes
@SpringBootTest(properties = { "sample.mock-backend.enabled=false", "fallom.tracing.protocol=otlp" })
class SupportAssistantTracingTests {

	@RegisterExtension
	static FallomMockServerExtension fallom = new FallomMockServerExtension();

	@DynamicPropertySource
	static void fallomProperties(DynamicPropertyRegistry registry) {
		fallom.registerProperties(registry);
	}

	@BeforeAll
	static void configs() {
		fallom.server().putConfig("support-assistant", 3, Map.of("gpt-4o", 100));
		fallom.server().putPrompt("support-concise", 2, "You are {{ company }}'s support assistant.", "{{ message }}");
		fallom.server()
			.putPromptAbTest("{\"key\": \"support-system-prompt\", \"version\": 1, \"variants\": "
					+ "[{\"prompt_key\": \"support-concise\", \"prompt_version\": 2, \"weight\": 100}]}");
	}

	@Autowired
	private SupportAssistant assistant;

	@Test
	void aToolCallingAnswerExportsTheChatClientSpanWithTheToolAndChatSpansUnderIt() {
		ChatAnswer answer = this.assistant.answer("tracing-session", "Where is order 4711?");

		assertThat(answer.model()).isEqualTo("gpt-4o");
		assertThat(answer.configVersion()).isEqualTo(3);
		assertThat(answer.reply()).startsWith("[gpt-4o] Order 4711 is");
		assertThat(answer.promptKey()).isEqualTo("support-concise");
		assertThat(answer.promptVersion()).isEqualTo(2);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<ReceivedSpan> spans = fallom.server().receivedSpans();
			assertThat(spans).extracting(ReceivedSpan::name).contains("execute_tool orderStatus");
			ReceivedSpan root = spans.stream()
				.filter((span) -> "chat_client".equals(span.attributes().get("spring.ai.kind")))
				.findFirst()
				.orElseThrow();
			List<ReceivedSpan> run = spans.stream().filter((span) -> span.traceId().equals(root.traceId())).toList();
			assertThat(run).filteredOn((span) -> "chat".equals(span.attributes().get("gen_ai.operation.name")))
				.hasSize(2)
				.allSatisfy((span) -> assertThat(span.attributes()).containsEntry("gen_ai.request.model", "gpt-4o")
					.containsEntry("fallom.config_version", "3")
					.containsEntry("fallom.prompt_key", "support-concise"));
			assertThat(run).allSatisfy((span) -> assertThat(span.attributes())
				.containsEntry("fallom.session_id", "tracing-session")
				.containsEntry("fallom.config_key", "support-assistant"));
			ReceivedSpan tool = run.stream()
				.filter((span) -> span.name().equals("execute_tool orderStatus"))
				.findFirst()
				.orElseThrow();
			assertThat(tool.attributes()).containsEntry("gen_ai.tool.name", "orderStatus");
		});
	}

}
