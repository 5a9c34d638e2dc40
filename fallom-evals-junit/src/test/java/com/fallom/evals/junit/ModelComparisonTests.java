package com.fallom.evals.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.evals.Candidate;
import com.fallom.evals.ChatMessage;
import com.fallom.evals.ChatReply;
import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalListener;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.Judge;
import com.fallom.evals.stats.Gate;
import com.fallom.evals.stats.PairedComparison;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * "Is model B better than model A?" after a comparison run: the same paired comparison as
 * a baseline's, between two models of the run.
 */
class ModelComparisonTests {

	@Test
	void aComparisonRunSaysWhetherModelBIsSignificantlyBetterThanModelA() {
		// The judge scores an answer by its length in words: "terse" answers are worse
		FallomEvals evals = FallomEvals.builder()
			.judge(Judge.of("length-judge", (prompt) -> {
				boolean terse = prompt.contains("terse answer");
				return "{\"score\": " + (terse ? 0.4 : 0.9) + ", \"overall_reasoning\": \"by length\"}";
			}))
			.listener(new EvalListener() {
			})
			.build();
		List<EvalItem> items = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			items.add(EvalCase.of("q" + i, "question " + i).toItem("reference"));
		}
		Candidate a = Candidate.of("model-a", (messages) -> ChatReply.of("terse answer"));
		Candidate b = Candidate.of("model-b", (messages) -> ChatReply.of("a full answer to "
				+ messages.stream().map(ChatMessage::content).reduce("", String::concat)));
		// tag::compare[]
		EvalRun run = evals.compare(EvalRequest.items(items).metrics("answer_relevancy").upload(false), List.of(a, b));
		Baseline modelA = Baseline.ofModel(run, "model-a"); // scores by case id, or item-N
		Baseline modelB = Baseline.ofModel(run, "model-b");
		PairedComparison bOverA = modelA.compare(modelB, List.of("answer_relevancy"), Gate.DEFAULT).get(0);
		boolean better = bOverA.significantGain(); // B higher, one-sided Wilcoxon p < alpha
		String line = bOverA.describe(); // means, difference with 95 % CI, p-values, rank-biserial r
		// end::compare[]
		assertThat(better).isTrue();
		assertThat(line).startsWith("answer_relevancy: 0.400 -> 0.900 (+0.500");
		assertThat(modelA.cases()).containsKeys("q0", "q9");
		assertThat(bOverA.shared()).isEqualTo(10);
		assertThat(bOverA.meanDifference()).isCloseTo(0.5, within(1e-9));
		assertThat(bOverA.significantGain()).isTrue();
		assertThat(bOverA.test().rankBiserial()).isEqualTo(1.0);
		PairedComparison aOverB = modelB.compare(modelA, List.of("answer_relevancy"), Gate.DEFAULT).get(0);
		assertThat(aOverB.significantDrop()).isTrue();
		assertThat(modelA.missingCases(new Baseline("x", null, Map.of("q0", Map.of(), "q10", Map.of()))))
			.containsExactly("q10");
		assertThatIllegalArgumentException().isThrownBy(() -> Baseline.ofModel(run, "model-c"))
			.withMessageContaining("has no model 'model-c'");
	}

}
