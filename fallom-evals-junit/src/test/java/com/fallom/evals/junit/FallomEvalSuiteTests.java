package com.fallom.evals.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fallom.evals.EvalListener;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.Judge;
import com.fallom.evals.Metric;
import com.fallom.evals.OpenAiCompatibleClient;
import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class FallomEvalSuiteTests {

	static volatile MockJudgeServer sharedJudge;

	static volatile Path sharedReports;

	private MockJudgeServer judge;

	@TempDir
	Path temp;

	@BeforeEach
	void start() {
		this.judge = MockJudgeServer.start();
	}

	@AfterEach
	void stop() {
		this.judge.close();
		System.clearProperty(FallomEvalSuite.UPDATE_BASELINE_PROPERTY);
	}

	static FallomEvals evals(MockJudgeServer judge) {
		return FallomEvals.builder()
			.judgeClient(OpenAiCompatibleClient.builder().baseUrl(judge.openAiBaseUrl()).build())
			.maxRetries(0)
			.listener(new EvalListener() {
			})
			.build();
	}

	private FallomEvalSuite.Builder suite(String name) {
		return FallomEvalSuite.builder(name)
			.evals(evals(this.judge))
			.reportDirectory(this.temp.resolve("reports"))
			.output((summary) -> {
			});
	}

	@Test
	void aFailedCaseAssertionShowsTheCaseTheScoreTheThresholdAndTheReasoning() {
		this.judge.score("answer_relevancy", 0.4);
		FallomEvalSuite suite = suite("support").metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.7)).build();
		CaseResult result = suite.evaluate(EvalCase.of("refund", "Can I get a refund?"), "We sell shoes.");
		String reasoning = result.repeats().get(0).reasoning().get("answer_relevancy");
		assertThat(reasoning).isNotBlank();
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(result).metric("answer_relevancy").isAtLeast(0.7))
			.withMessage("Case 'refund' (input: \"Can I get a refund?\"): answer_relevancy score 0.400 below the "
					+ "threshold 0.70; judge's reasoning: " + reasoning);
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(result).passes())
			.withMessageContaining("fails the rule: every repeat >= 0.70");
		EvalAssertions.assertThat(result).metric("answer_relevancy").isAtLeast(0.4);
	}

	@Test
	void aJudgeThatFailsEveryCallFailsTheTestWithItsErrorNotAScoreOfZero() {
		this.judge.failNext(100, 500, null);
		FallomEvalSuite suite = suite("support").build();
		CaseResult result = suite.evaluate(EvalCase.of("refund", "Can I get a refund?"), "Yes, within 30 days.");
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(result).passes())
			.withMessage("Case 'refund' (input: \"Can I get a refund?\"): metric answer_relevancy was not scored: "
					+ "the judge failed: judge answered HTTP 500");
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(suite.results()).metric("answer_relevancy").meanIsAtLeast(0))
			.withMessageContaining("the judge failed: judge answered HTTP 500");
	}

	@Test
	void repeatsAreJudgedByThePassRuleAndShowTheirSpread() {
		ConcurrentLinkedQueue<String> scores = new ConcurrentLinkedQueue<>(List.of("0.9", "0.9", "0.4", "0.9", "0.9"));
		FallomEvals scripted = FallomEvals.builder()
			.judge(Judge.of("scripted", (prompt) -> "{\"score\": " + scores.poll() + ", \"overall_reasoning\": \"r\"}"))
			.listener(new EvalListener() {
			})
			.build();
		EvalCase refund = EvalCase.of("refund", "Can I get a refund?");
		CaseResult byRate = FallomEvalSuite.builder("support")
			.evals(scripted)
			.metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.7))
			.repeats(5)
			.passRule(PassRule.passRate(0.8))
			.build()
			.evaluate(refund, "Yes.");
		assertThat(byRate.scores("answer_relevancy")).hasSize(5).containsOnly(0.9, 0.4);
		assertThat(byRate.describeScores("answer_relevancy")).startsWith("mean 0.800 of 5 repeats").endsWith("range 0.40..0.90");
		EvalAssertions.assertThat(byRate).passes();
		assertThat(PassRule.all().passes(byRate.scores("answer_relevancy"), 0.7)).isFalse();
		assertThat(PassRule.passRate(0.81).passes(byRate.scores("answer_relevancy"), 0.7)).isFalse();
		assertThat(PassRule.meanAtLeast(0.8).passes(byRate.scores("answer_relevancy"), 0.7)).isTrue();
		assertThat(PassRule.meanAtLeast(0.81).passes(byRate.scores("answer_relevancy"), 0.7)).isFalse();
	}

	@Test
	void theBaselineIsWrittenByTheSwitchAndASignificantDropFailsTheSuite() throws Exception {
		Path baseline = this.temp.resolve("support-baseline.json");
		List<EvalCase> cases = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			cases.add(EvalCase.of("case-" + i, "question " + i));
		}
		this.judge.score("answer_relevancy", 0.9);
		System.setProperty(FallomEvalSuite.UPDATE_BASELINE_PROPERTY, "true");
		FallomEvalSuite first = suite("support").baseline(baseline).build();
		cases.forEach((c) -> first.evaluate(c, "answer"));
		first.finish();
		assertThat(Files.readString(baseline)).contains("\"case-11\"").contains("\"answer_relevancy\" : 0.9");
		System.clearProperty(FallomEvalSuite.UPDATE_BASELINE_PROPERTY);

		FallomEvalSuite same = suite("support").baseline(baseline).build();
		cases.forEach((c) -> same.evaluate(c, "answer"));
		same.finish();

		this.judge.score("answer_relevancy", 0.6);
		FallomEvalSuite worse = suite("support").baseline(baseline).build();
		cases.forEach((c) -> worse.evaluate(c, "answer"));
		assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(worse::finish)
			.withMessageStartingWith("Eval suite 'support' is worse than its baseline:")
			.withMessageContaining("answer_relevancy: 0.900 -> 0.600 (-0.300")
			.withMessageContaining("SIGNIFICANT DROP of more than 0.050");
		assertThat(Files.readString(this.temp.resolve("reports/support.md"))).contains("**FAIL**: answer_relevancy");

		this.judge.score("answer_relevancy", 0.9);
		FallomEvalSuite grown = suite("support").baseline(baseline).build();
		cases.forEach((c) -> grown.evaluate(c, "answer"));
		grown.evaluate(EvalCase.of("new-case", "question new"), "answer");
		assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(grown::finish)
			.withMessageContaining("has no scores for the cases [new-case]: refresh it with -Dfallom.evals.update-baseline=true");

		FallomEvalSuite absent = suite("support").baseline(this.temp.resolve("none.json")).build();
		absent.evaluate(cases.get(0), "answer");
		assertThatExceptionOfType(AssertionFailedError.class).isThrownBy(absent::finish)
			.withMessageContaining("none.json; write it with -Dfallom.evals.update-baseline=true");
	}

	@Test
	void aDatasetSourceDrivesAParameterizedSuiteThatReportsAfterTheClass() throws Exception {
		sharedJudge = this.judge;
		sharedReports = this.temp.resolve("reports");
		this.judge.score("answer_relevancy", 0.8);
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SupportSuite.class))
			.execute()
			.testEvents();
		tests.assertStatistics((stats) -> stats.started(3).succeeded(3));
		String markdown = Files.readString(sharedReports.resolve("support.md"));
		assertThat(markdown).contains("| answer_relevancy | 0.800 | 0.800..0.800 | 100% | 0.70 | 3 | 0 | 0.00 |");
		assertThat(markdown).contains("| answer_relevancy | reset-password | 0.800 | yes |");
		String html = Files.readString(sharedReports.resolve("support.html"));
		assertThat(html).contains("<table id=\"metrics\">").contains("<td>answer_relevancy</td><td>0.800</td>");
		assertThat(SupportSuite.summary).contains("Fallom evals 'support'")
			.contains("answer_relevancy     mean 0.800")
			.contains("report: " + sharedReports.resolve("support.html").toAbsolutePath().toUri());
		assertThat(sharedReports.resolve("support-results.json")).exists();
	}

	static class SupportSuite {

		static volatile String summary = "";

		@RegisterExtension
		static FallomEvalSuite suite = FallomEvalSuite.builder("support")
			.evals(() -> evals(sharedJudge))
			.metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.7))
			.reportDirectory(sharedReports)
			.output((text) -> summary = text)
			.build();

		@ParameterizedTest
		@FallomDatasetSource("classpath:evals/support.jsonl")
		void answers(EvalCase evalCase) {
			EvalAssertions.assertThat(suite.evaluate(evalCase, (input) -> "An answer to " + input)).passes();
		}

	}

	static {
		// Reports of SupportSuite before a test sets the directory
		sharedReports = Path.of("target", "fallom-evals-test");
	}

	@Test
	void runLevelAssertionsFilterByTagAndListTheFailingCases() {
		this.judge.score("answer_relevancy", 0.6);
		FallomEvalSuite suite = suite("support").metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.7)).build();
		EvalCases.load("classpath:evals/support.jsonl").forEach((c) -> suite.evaluate(c, "An answer"));
		EvalAssertions.assertThat(suite.results()).tag("billing").metric("answer_relevancy").meanIsAtLeast(0.6);
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(suite.results())
				.tag("billing")
				.metric("answer_relevancy")
				.passRateIsAtLeast(0.5))
			.withMessageStartingWith("answer_relevancy: pass rate over 2 cases tagged 'billing' is 0% (0 passed), below 50%; "
					+ "failing: 'refund' 0.600 (");
		assertThatExceptionOfType(AssertionFailedError.class)
			.isThrownBy(() -> EvalAssertions.assertThat(suite.results()).tag("shipping"))
			.withMessage("No case has the tag 'shipping'");
	}

}
