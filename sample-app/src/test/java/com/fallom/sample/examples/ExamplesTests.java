package com.fallom.sample.examples;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.models.AssignmentReason;
import com.fallom.models.AssignmentSource;
import com.fallom.models.ModelAssignment;
import com.fallom.prompts.FallomPrompt;
import com.fallom.test.FallomMockServer;
import com.fallom.test.ReceivedSpan;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs each example, the code README.md and the guide quote, against the embedded mock backend.
 */
// The examples' spans are checked by their OTLP attributes
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = { "sample.mock-backend.port=0", "fallom.tracing.protocol=otlp" })
class ExamplesTests {

	private static final Duration DELIVERY = Duration.ofSeconds(20);

	@Autowired
	private FallomMockServer fallom;

	@Autowired
	private BasicUsageExample basicUsage;

	@Autowired
	private TracingOnlyExample tracingOnly;

	@Autowired
	private ModelsOnlyExample modelsOnly;

	@Autowired
	private BatchJobExample batchJob;

	@Autowired
	private MultipleTestsExample multipleTests;

	@Autowired
	private PromptsExample prompts;

	@Test
	void promptsRenderSplitAndTagTheChatSpans() {
		FallomPrompt prompt = this.prompts.get("Where is my refund?");
		assertThat(prompt.system()).startsWith("You are Acme's friendly support assistant");
		assertThat(prompt.user()).isEqualTo("Where is my refund?");
		FallomPrompt tested = this.prompts.getAb("prompts-1", "Hello");
		assertThat(tested.abTestKey()).isEqualTo("support-system-prompt");
		assertThat(tested.key()).isIn("support-friendly", "support-concise");

		this.prompts.ask("prompts-1", "Hello");
		// Both calls of the example, each tagged with the prompt it was given
		await().atMost(DELIVERY)
			.untilAsserted(() -> assertThat(this.fallom.receivedSpans())
				.filteredOn((span) -> "support-system-prompt".equals(span.attribute("fallom.prompt_ab_test"))
						&& String.valueOf(tested.variantIndex()).equals(span.attribute("fallom.prompt_variant")))
				.hasSizeGreaterThanOrEqualTo(2)
				.allSatisfy((span) -> assertThat(span.attribute("fallom.prompt_key")).isEqualTo(tested.key())));
	}

	@Test
	void basicUsageAssignsTracesAndRecordsAMetric() {
		String answer = this.basicUsage.answer("basic-1", "Where is my refund?");

		String model = this.modelsOnly.latest("basic-1");
		assertThat(answer).startsWith("[" + model + "]");
		await().atMost(DELIVERY)
			.untilAsserted(() -> assertThat(spansOf("basic-1")).singleElement()
				.satisfies((span) -> assertThat(span.attribute("gen_ai.request.model")).isEqualTo(model))
				.satisfies((span) -> assertThat(span.attribute("fallom.config_key")).isEqualTo("support-assistant")));
		await().atMost(DELIVERY)
			.untilAsserted(() -> assertThat(metricsOf("basic-1")).singleElement()
				.satisfies((metric) -> assertThat(metric).containsEntry("data", Map.of("answer_length", answer.length()))));
	}

	@Test
	void tracingOnlyTracesAFixedModelUnderTheSession() {
		this.tracingOnly.answer("tracing-1", "Hello");
		this.tracingOnly.answerInScope("tracing-2", "Hello");

		for (String sessionId : List.of("tracing-1", "tracing-2")) {
			await().atMost(DELIVERY)
				.untilAsserted(() -> assertThat(spansOf(sessionId)).singleElement().satisfies((span) -> {
					assertThat(span.attribute("fallom.config_key")).isEqualTo("my-agent");
					assertThat(span.attribute("gen_ai.request.model")).isEqualTo("gpt-4o");
				}));
		}
	}

	@Test
	void modelsOnlyPinsFallsBackAndAssigns() {
		String latest = this.modelsOnly.latest("models-1");
		assertThat(latest).isIn("gpt-4o", "claude-3-5-sonnet");
		assertThat(this.modelsOnly.pinned("models-1")).isEqualTo(latest);
		// Version 2 does not exist on the backend: the fallback answers
		assertThat(this.modelsOnly.withFallback("models-1")).isEqualTo("gpt-4o-mini");
		ModelAssignment assignment = this.modelsOnly.assignment("models-1");
		assertThat(assignment.model()).isEqualTo(latest);
		assertThat(assignment.configVersion()).isEqualTo(1);
		assertThat(assignment.source()).isEqualTo(AssignmentSource.LATEST);
	}

	@Test
	void modelsOnlyTargetsTheVipCustomer() {
		ModelAssignment vip = this.modelsOnly.targeted("targeted-1", "vip-1", "pro");
		assertThat(vip.model()).isEqualTo("claude-3-5-sonnet");
		assertThat(vip.reason()).isEqualTo(AssignmentReason.INDIVIDUAL_TARGET);
		assertThat(this.modelsOnly.targeted("targeted-1", "someone", "pro").reason()).isEqualTo(AssignmentReason.HASH);
	}

	@Test
	void batchJobRecordsAMetricPerSessionWithExplicitIds() {
		this.batchJob.recordOutlierScores(List.of("batch-a", "batch-b", "batch-c"));

		for (String sessionId : List.of("batch-a", "batch-b", "batch-c")) {
			await().atMost(DELIVERY)
				.untilAsserted(() -> assertThat(metricsOf(sessionId)).singleElement()
					.satisfies((metric) -> assertThat(metric).containsEntry("config_key", "support-assistant")
						.containsEntry("data", Map.of("outlier_score", BatchJobExample.outlierScore(sessionId)))));
		}
	}

	@Test
	void multipleTestsTraceEachCallUnderItsConfigKey() {
		this.multipleTests.handle("multi-1", "The app crashes on upload");

		await().atMost(DELIVERY).untilAsserted(() -> assertThat(spansOf("multi-1")).hasSize(3));
		assertThat(spansOf("multi-1")).extracting((span) -> span.attribute("fallom.config_key"))
			.containsExactlyInAnyOrder("support-agent", "summarizer-test", "support-agent");
		assertThat(spansOf("multi-1")).filteredOn((span) -> "summarizer-test".equals(span.attribute("fallom.config_key")))
			.singleElement()
			.satisfies((span) -> assertThat(span.attribute("gen_ai.request.model")).isEqualTo("gpt-4o"));
	}

	private List<ReceivedSpan> spansOf(String sessionId) {
		return this.fallom.receivedSpans()
			.stream()
			.filter((span) -> sessionId.equals(span.attribute("fallom.session_id")))
			.filter((span) -> span.attribute("gen_ai.request.model") != null)
			.toList();
	}

	private List<Map<String, Object>> metricsOf(String sessionId) {
		return this.fallom.metrics().stream().filter((metric) -> sessionId.equals(metric.get("session_id"))).toList();
	}

}
