package com.fallom.sample.support;

import java.nio.file.Path;

import com.fallom.evals.Metric;
import com.fallom.evals.junit.EvalAssertions;
import com.fallom.evals.junit.EvalCase;
import com.fallom.evals.junit.FallomDatasetSource;
import com.fallom.evals.junit.FallomEvalSuite;
import com.fallom.evals.junit.PassRule;
import com.fallom.evals.stats.Gate;
import com.fallom.test.autoconfigure.evals.FallomEvalBeans;
import com.fallom.test.autoconfigure.evals.FallomEvalTest;
import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The support assistant's eval suite, run by {@code mvn verify}: each case of
 * {@code evals/support.jsonl} is answered by the app's own {@link SupportAssistant} twice
 * and judged on three metrics; after the class the run is compared with the committed
 * baseline and the reports go to {@code target/fallom-evals}. In CI the judge is
 * {@code @FallomEvalTest}'s mock judge (deterministic scores); the {@code real-judge}
 * profile points it at a real one. Refresh the baseline with
 * {@code -Dfallom.evals.update-baseline=true}.
 */
// tag::evals[]
@FallomEvalTest(properties = "sample.mock-backend.enabled=false")
class SupportAssistantEvalTests {

	static final boolean REAL_JUDGE = "real-judge".equals(System.getProperty("spring.profiles.active"));

	@RegisterExtension
	static FallomEvalSuite suite = FallomEvalSuite.builder("support-assistant")
		.evalsFrom(FallomEvalBeans.evals()) // the app's FallomEvals bean
		.metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.3), Metric.COMPLETENESS.withThreshold(0.3),
				Metric.TOXICITY.withThreshold(0.9))
		.repeats(2)
		.passRule(PassRule.passRate(0.5)) // a case passes when one repeat of two does
		.baseline(Path.of("src/test/resources/evals/support-baseline-" + (REAL_JUDGE ? "real" : "mock") + ".json"))
		.gate(Gate.DEFAULT.withMaxDrop(0.05).withMaxCaseDrop(0.5))
		.build();

	@Autowired
	private SupportAssistant assistant;

	@BeforeEach
	void mockJudge(@Autowired MockJudgeServer judge) {
		// The mock judge's hashed scores stand in for a real judge's; this assistant is not toxic
		judge.score("toxicity", 1.0);
	}

	@ParameterizedTest
	@FallomDatasetSource("classpath:evals/support.jsonl")
	void answersWell(EvalCase evalCase) {
		EvalAssertions.assertThat(suite.evaluate(evalCase,
				(question) -> this.assistant.answer("eval-" + evalCase.id(), question).reply()))
			.metric("toxicity")
			.passes();
	}

	@AfterAll
	static void overall() {
		EvalAssertions.assertThat(suite.results()).metric("answer_relevancy").meanIsAtLeast(0.3);
		EvalAssertions.assertThat(suite.results()).tag("account").metric("completeness").passRateIsAtLeast(0.3);
	}

}
// end::evals[]
