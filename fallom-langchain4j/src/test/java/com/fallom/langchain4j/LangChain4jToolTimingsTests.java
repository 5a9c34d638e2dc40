package com.fallom.langchain4j;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.TraceRecord;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomSpan;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * An {@code AiServices} run has no span of its own: a manual span around it lists the
 * measured tool executions in its timings, through LangChain4j's real OpenAI client
 * against the mock provider, as records the mock Fallom backend receives.
 */
class LangChain4jToolTimingsTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	@BeforeEach
	void backend() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void closeFallom() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> runToolTimings(boolean captureContent) {
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.build();
		ChatModel model = OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.modelName("gpt-4o")
			.maxRetries(0)
			.listeners(List.of(FallomChatModelListener.create(this.fallom)))
			.build();
		Assistant assistant = AiServices.builder(Assistant.class)
			.chatModel(model)
			.tools(new OrderTools())
			.afterToolExecution(FallomToolExecutionListener.create(this.fallom))
			.build();
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"secret-order-991\"}"),
					ProviderReply.text("It is in transit."));
		try (FallomTrace.Scope session = this.fallom.trace().withSession("orders-agent", "s-1");
				FallomSpan run = this.fallom.trace().startSpan("answer-order-question")) {
			assertThat(assistant.chat("Where is my order?")).isEqualTo("It is in transit.");
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> fallomServer.server().traceRecords().stream()
				.anyMatch((r) -> "answer-order-question".equals(r.name())));
		TraceRecord run = fallomServer.server().traceRecords().stream()
			.filter((r) -> "answer-order-question".equals(r.name()))
			.findFirst()
			.orElseThrow();
		return (List<Map<String, Object>>) run.rawTimings().get("toolTimings");
	}

	@Test
	void aManualSpanAroundAnAgentRunListsItsMeasuredToolExecutions() {
		List<Map<String, Object>> timings = runToolTimings(true);
		assertThat(timings).singleElement().satisfies((timing) -> {
			assertThat(timing).containsEntry("name", "orderStatus").containsKey("id");
			double start = ((Number) timing.get("startTime")).doubleValue();
			double duration = ((Number) timing.get("duration")).doubleValue();
			// The tool ran after the first model call
			assertThat(start).isGreaterThan(0);
			assertThat(duration).isGreaterThanOrEqualTo(0);
			assertThat(((Number) timing.get("endTime")).doubleValue()).isCloseTo(start + duration, offset(0.0011));
		});
	}

	@Test
	void withoutContentCaptureTheToolTimingsNameNoTool() {
		List<Map<String, Object>> timings = runToolTimings(false);
		assertThat(timings).singleElement()
			.satisfies((timing) -> assertThat(timing).containsKeys("id", "startTime", "duration").doesNotContainKey("name"));
		this.fallom.close();
		String received = new String(fallomServer.server().allReceivedBytes(), StandardCharsets.ISO_8859_1);
		assertThat(received).doesNotContain("orderStatus").doesNotContain("secret-order-991");
	}

	interface Assistant {

		String chat(String message);

	}

	static class OrderTools {

		@Tool("Look up the status of an order")
		String orderStatus(String id) {
			return "in transit";
		}

	}

}
