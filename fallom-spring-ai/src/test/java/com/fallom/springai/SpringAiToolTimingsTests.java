package com.fallom.springai;

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
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.model.tool.DefaultToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * The measured tool timings of a ChatClient run with tools, through Spring AI's real
 * OpenAI client against the mock provider, as records the mock Fallom backend receives.
 */
class SpringAiToolTimingsTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private Fallom fallom;

	private ObservationRegistry registry;

	@BeforeEach
	void backend() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void close() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	private ChatClient start(boolean captureContent) {
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.build();
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.fallom.tracer(), captureContent))
			.observationHandler(new FallomToolObservationHandler(this.fallom.tracer(), captureContent))
			.observationHandler(new FallomChatClientObservationHandler(this.fallom.tracer(), captureContent));
		OpenAiChatModel model = OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.model("gpt-4o-mini")
				.maxRetries(0)
				.build())
			.observationRegistry(this.registry)
			.build();
		return ChatClient.builder(model, this.registry, null, null,
				ToolCallingAdvisor.builder()
					.toolCallingManager(DefaultToolCallingManager.builder().observationRegistry(this.registry).build()))
			.build();
	}

	/** Two tool calls in one model turn, then the answer; waits for the run's record. */
	private TraceRecord run(boolean captureContent) {
		ChatClient client = start(captureContent);
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"secret-order-991\"}"),
					ProviderReply.toolCall("orderStatus", "{\"id\":\"secret-order-992\"}"),
					ProviderReply.text("Both are in transit."));
		String answer = client.prompt().tools(new OrderTools()).user("Where are my orders?").call().content();
		assertThat(answer).isEqualTo("Both are in transit.");
		await().atMost(TIMEOUT)
			.until(() -> fallomServer.server().traceRecords().stream().anyMatch((r) -> r.parentSpanId() == null));
		return fallomServer.server().traceRecords().stream().filter((r) -> r.parentSpanId() == null).findFirst()
			.orElseThrow();
	}

	@Test
	@SuppressWarnings("unchecked")
	void aChatClientRunCarriesTheMeasuredStartAndDurationOfEachToolInItsTimings() {
		TraceRecord run = run(true);
		assertThat(run.kind()).isEqualTo("chain");
		List<TraceRecord> tools = fallomServer.server().traceRecords().stream()
			.filter((r) -> "tool".equals(r.kind()))
			.toList();
		assertThat(tools).as("the tool spans keep their own records").hasSize(2);
		List<Map<String, Object>> timings = (List<Map<String, Object>>) run.rawTimings().get("toolTimings");
		assertThat(timings).hasSize(2);
		double previousEnd = 0;
		for (Map<String, Object> timing : timings) {
			assertThat(timing).containsEntry("name", "orderStatus").containsKey("id");
			double start = ((Number) timing.get("startTime")).doubleValue();
			double duration = ((Number) timing.get("duration")).doubleValue();
			double end = ((Number) timing.get("endTime")).doubleValue();
			assertThat(start).isGreaterThan(previousEnd).isLessThan(run.durationMs() + 1);
			assertThat(duration).isGreaterThan(0);
			assertThat(end).isCloseTo(start + duration, offset(0.0011));
			previousEnd = end;
		}
		// The ids of the tool calls the model asked for, as its chat records list them
		List<Object> asked = fallomServer.server().traceRecords().stream()
			.filter((r) -> "llm".equals(r.kind()))
			.flatMap((r) -> ((List<Map<String, Object>>) r.rawTimings().getOrDefault("toolCalls", List.of())).stream())
			.map((toolCall) -> toolCall.get("id"))
			.toList();
		assertThat(asked).hasSize(2);
		assertThat(timings).extracting((timing) -> timing.get("id")).containsExactlyInAnyOrderElementsOf(asked);
	}

	@Test
	@SuppressWarnings("unchecked")
	void withoutContentCaptureTheRunsToolTimingsCarryIdsButNoToolName() {
		TraceRecord run = run(false);
		List<Map<String, Object>> timings = (List<Map<String, Object>>) run.rawTimings().get("toolTimings");
		assertThat(timings).hasSize(2).allSatisfy((timing) -> {
			assertThat(timing).containsKeys("id", "startTime", "endTime", "duration").doesNotContainKey("name");
			assertThat(((Number) timing.get("duration")).doubleValue()).isGreaterThan(0);
		});
		this.fallom.close();
		String received = new String(fallomServer.server().allReceivedBytes(), StandardCharsets.ISO_8859_1);
		assertThat(received).doesNotContain("orderStatus").doesNotContain("secret-order-99");
	}

	static class OrderTools {

		@Tool(description = "Look up the status of an order")
		String orderStatus(String id) {
			return "status of " + id + ": in transit";
		}

	}

}
