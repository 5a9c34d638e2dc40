package com.fallom.evals.internal;

import java.util.List;

import com.fallom.evals.ChatReply;
import com.fallom.evals.EvalResult;
import com.fallom.evals.Metric;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The judge protocol's parsing and the details the vectors do not cover.
 */
class JudgeProtocolTests {

	@Test
	void readsANumberOrANumericStringAndClampsToZeroOne() {
		assertThat(JudgeProtocol.parseVerdict("{\"score\": 0.73, \"overall_reasoning\": \"r\"}"))
			.isEqualTo(new JudgeProtocol.Verdict(0.73, "r"));
		assertThat(JudgeProtocol.parseVerdict("{\"score\": \"0.6\", \"overall_reasoning\": \"r\"}").score())
			.isEqualTo(0.6);
		assertThat(JudgeProtocol.parseVerdict("{\"score\": 1.37, \"overall_reasoning\": \"r\"}").score()).isEqualTo(1);
		assertThat(JudgeProtocol.parseVerdict("{\"score\": -0.25, \"overall_reasoning\": \"r\"}").score())
			.isEqualTo(0);
	}

	@Test
	void aMissingReasoningIsEmpty() {
		assertThat(JudgeProtocol.parseVerdict("{\"score\": 0.5}").reasoning()).isEmpty();
	}

	@Test
	void aMissingOrNonNumericScoreOrAReplyThatIsNotJsonIsAnErrorWithItsReason() {
		assertThatExceptionOfType(JudgeProtocol.JudgeReplyException.class)
			.isThrownBy(() -> JudgeProtocol.parseVerdict("{\"overall_reasoning\": \"r\"}"))
			.withMessage("judge reply has no score");
		assertThatExceptionOfType(JudgeProtocol.JudgeReplyException.class)
			.isThrownBy(() -> JudgeProtocol.parseVerdict("I would rate this 0.79 out of 1."))
			.withMessage("judge reply is not JSON");
		assertThatExceptionOfType(JudgeProtocol.JudgeReplyException.class)
			.isThrownBy(() -> JudgeProtocol.parseVerdict("{\"score\": \"high\"}"))
			.withMessage("judge score is not a number: high");
		assertThatExceptionOfType(JudgeProtocol.JudgeReplyException.class)
			.isThrownBy(() -> JudgeProtocol.parseVerdict("{\"score\": \"NaN\"}"))
			.withMessageContaining("not a");
		assertThatExceptionOfType(JudgeProtocol.JudgeReplyException.class)
			.isThrownBy(() -> JudgeProtocol.parseVerdict(null))
			.withMessage("judge reply has no content");
	}

	@Test
	void readsTheCostFromTotalCostOrElseCost() {
		String both = "{\"choices\":[{\"message\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"cost\":0.5,\"total_cost\":0.25}}";
		assertThat(JudgeProtocol.parseCompletion(both)).isEqualTo(new ChatReply("x", 3, 4, 0.25));
		String costOnly = "{\"choices\":[{\"message\":{\"content\":\"x\"}}],\"usage\":{\"cost\":0.5}}";
		assertThat(JudgeProtocol.parseCompletion(costOnly).cost()).isEqualTo(0.5);
		String noUsage = "{\"choices\":[{\"message\":{\"content\":null}}]}";
		assertThat(JudgeProtocol.parseCompletion(noUsage)).isEqualTo(new ChatReply(null, null, null, null));
	}

	@Test
	void leavesOutEmptySystemMessageAndJudgeContextAndPrintsANullOutputAsNull() {
		String prompt = JudgeProtocol.prompt(Metric.COHERENCE, "in", null, "", "");
		assertThat(prompt).startsWith(
				"You are an expert evaluator assessing LLM outputs using the G-Eval methodology.\n\n## Evaluation Criteria\n")
			.contains("## Content to Evaluate\n**User Input:**\nin\n\n**LLM Output:**\nnull\n\n## Instructions")
			.endsWith("\"score\": 0.85\n}");
	}

	@Test
	void namesAnUnknownMetricAndTheAvailableOnes() {
		assertThatIllegalArgumentException().isThrownBy(() -> Metric.of("fluency"))
			.withMessage("Invalid metric: fluency. Available: answer_relevancy, hallucination, toxicity, faithfulness, "
					+ "completeness, coherence, bias. Or use Metric.custom for custom metrics.");
	}

	@Test
	void encodesDatasetKeysAsEncodeUriComponent() {
		assertThat(HttpSupport.encodeUriComponent("support qa/ü-v2")).isEqualTo("support%20qa%2F%C3%BC-v2");
		assertThat(HttpSupport.encodeUriComponent("a?b#c%d!'()*~")).isEqualTo("a%3Fb%23c%25d!'()*~");
	}

	@Test
	void countsDistinctInputAndSystemMessagePairsAsDatasetSize() {
		List<EvalResult> results = List.of(result("q", null, "production"), result("q", "", "m1"),
				result("q", "s", "m1"), result("r", null, "m2"));
		assertThat(FallomAppClient.datasetSize(results)).isEqualTo(3);
		assertThat(FallomAppClient.datasetSize(List.of())).isZero();
	}

	@Test
	void waitsWhatRetryAfterSaysUpToTheCapElseDoublesWithJitter() {
		RetryPolicy policy = new RetryPolicy(3, java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(2));
		assertThat(policy.delay(0, java.time.Duration.ofSeconds(1), 0.5)).isEqualTo(java.time.Duration.ofSeconds(1));
		assertThat(policy.delay(0, java.time.Duration.ofSeconds(60), 0.5)).isEqualTo(java.time.Duration.ofSeconds(2));
		assertThat(policy.delay(0, null, 0.999)).isBetween(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(100));
		assertThat(policy.delay(2, null, 0.999)).isBetween(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(400));
		assertThat(policy.delay(40, null, 0.999)).isLessThanOrEqualTo(java.time.Duration.ofSeconds(2));
		assertThat(HttpSupport.parseRetryAfter("3")).isEqualTo(java.time.Duration.ofSeconds(3));
		assertThat(HttpSupport.parseRetryAfter("soon")).isNull();
	}

	private static EvalResult result(String input, String system, String model) {
		return new EvalResult(input, "o", system, null, null, null, model, false, java.util.Map.of(), java.util.Map.of(),
				java.util.Map.of(), List.of(), null, null, null, null, null);
	}

}
