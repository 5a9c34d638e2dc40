package com.fallom.evals.junit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fallom.evals.EvalResult;
import com.fallom.evals.EvalRun;
import com.fallom.evals.Metric;
import com.fallom.evals.stats.MeanInterval;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions on eval scores. A failure names the case, its input, the score, the threshold
 * and the judge's reasoning; a metric the judge never scored fails with the judge's error,
 * not with a score of 0.
 *
 * <pre class="code">
 * EvalAssertions.assertThat(result).metric("answer_relevancy").isAtLeast(0.7);
 * EvalAssertions.assertThat(suite.results()).tag("billing").metric("faithfulness").passRateIsAtLeast(0.9);
 * </pre>
 */
public final class EvalAssertions {

	private static final int MAX_LISTED = 5;

	private EvalAssertions() {
	}

	/**
	 * Assert on one result of an evaluation (one repeat).
	 * @param result the result
	 * @return the assertion
	 */
	public static CaseAssert assertThat(EvalResult result) {
		Object caseId = (result.metadata() != null) ? result.metadata().get("case_id") : null;
		EvalCase evalCase = new EvalCase((caseId != null) ? caseId.toString() : abbreviate(result.input(), 40),
				result.input(), result.output(), result.expectedOutput(), result.systemMessage(), result.context(),
				List.of(), Map.of());
		List<Metric> metrics = new ArrayList<>();
		result.reasoning().keySet().forEach((name) -> metrics.add(metricNamed(name)));
		return new CaseAssert(new CaseResult(evalCase, metrics, List.of(result), PassRule.all()));
	}

	/**
	 * Assert on a case's repeats.
	 * @param result the case result
	 * @return the assertion
	 */
	public static CaseAssert assertThat(CaseResult result) {
		return new CaseAssert(result);
	}

	/**
	 * Assert on the cases of a suite.
	 * @param results the case results
	 * @return the assertion
	 */
	public static RunAssert assertThat(List<CaseResult> results) {
		return new RunAssert(results, "all cases");
	}

	/**
	 * Assert on an evaluation run (each result one case).
	 * @param run the run
	 * @return the assertion
	 */
	public static RunAssert assertThat(EvalRun run) {
		List<CaseResult> cases = new ArrayList<>();
		for (EvalResult result : run.results()) {
			CaseResult single = assertThat(result).result;
			EvalCase withTags = single.evalCase();
			Object tags = (result.metadata() != null) ? result.metadata().get("tags") : null;
			if (tags instanceof List<?> list) {
				withTags = new EvalCase(withTags.id(), withTags.input(), withTags.output(), withTags.expectedOutput(),
						withTags.systemMessage(), withTags.context(), list.stream().map(String::valueOf).toList(),
						Map.of());
			}
			cases.add(new CaseResult(withTags, run.metrics(), single.repeats(), PassRule.all()));
		}
		return new RunAssert(cases, "all cases");
	}

	private static Metric metricNamed(String name) {
		try {
			return Metric.of(name);
		}
		catch (IllegalArgumentException ex) {
			return Metric.custom(name, name, List.of(name));
		}
	}

	static String abbreviate(String text, int max) {
		String line = text.replaceAll("\\s+", " ").strip();
		return (line.length() <= max) ? line : line.substring(0, max - 3) + "...";
	}

	static AssertionFailedError notScored(CaseResult result, String metric) {
		List<String> errors = result.errors(metric);
		return new AssertionFailedError("Case '" + result.id() + "' (input: \"" + abbreviate(result.evalCase().input(), 80)
				+ "\"): metric " + metric + " was not scored: "
				+ (errors.isEmpty() ? "no result" : "the judge failed: " + String.join("; ", errors.stream().distinct().toList())));
	}

	/**
	 * Assertions on one case.
	 */
	public static final class CaseAssert {

		private final CaseResult result;

		CaseAssert(CaseResult result) {
			this.result = result;
		}

		/**
		 * Assert that every metric passes by its threshold and the pass rule.
		 * @return this
		 */
		public CaseAssert passes() {
			for (Metric metric : this.result.metrics()) {
				metric(metric.name()).passes();
			}
			return this;
		}

		/**
		 * Assert on one metric.
		 * @param name the metric name
		 * @return the metric's assertion
		 */
		public MetricAssert metric(String name) {
			this.result.metric(name);
			return new MetricAssert(this, name);
		}

	}

	/**
	 * Assertions on one metric of a case.
	 */
	public static final class MetricAssert {

		private final CaseAssert owner;

		private final String metric;

		MetricAssert(CaseAssert owner, String metric) {
			this.owner = owner;
			this.metric = metric;
		}

		/**
		 * Assert that the score (the mean of the repeats) is at least a threshold.
		 * @param threshold the threshold
		 * @return the case's assertion
		 */
		public CaseAssert isAtLeast(double threshold) {
			CaseResult result = this.owner.result;
			Double mean = result.mean(this.metric);
			if (mean == null) {
				throw notScored(result, this.metric);
			}
			if (mean < threshold) {
				throw failure(String.format(Locale.ROOT, "score %s below the threshold %.2f",
						result.describeScores(this.metric), threshold));
			}
			return this.owner;
		}

		/**
		 * Assert that the metric passes by its threshold and the pass rule over the repeats.
		 * @return the case's assertion
		 */
		public CaseAssert passes() {
			CaseResult result = this.owner.result;
			if (result.scores(this.metric).isEmpty()) {
				throw notScored(result, this.metric);
			}
			if (!result.passes(this.metric)) {
				throw failure("score " + result.describeScores(this.metric) + " fails the rule: "
						+ result.rule().describe(result.metric(this.metric).threshold()));
			}
			return this.owner;
		}

		private AssertionFailedError failure(String what) {
			CaseResult result = this.owner.result;
			return new AssertionFailedError("Case '" + result.id() + "' (input: \""
					+ abbreviate(result.evalCase().input(), 80) + "\"): " + this.metric + " " + what
					+ "; judge's reasoning: " + result.worstReasoning(this.metric));
		}

	}

	/**
	 * Assertions over many cases: means and pass rates per metric, for all cases or a tag.
	 */
	public static final class RunAssert {

		private final List<CaseResult> results;

		private final String scope;

		RunAssert(List<CaseResult> results, String scope) {
			this.results = List.copyOf(results);
			this.scope = scope;
		}

		/**
		 * Restrict the assertions to the cases with a tag.
		 * @param tag the tag
		 * @return the assertion over those cases
		 * @throws AssertionFailedError if no case has the tag
		 */
		public RunAssert tag(String tag) {
			List<CaseResult> tagged = this.results.stream().filter((r) -> r.evalCase().tags().contains(tag)).toList();
			if (tagged.isEmpty()) {
				throw new AssertionFailedError("No case has the tag '" + tag + "'");
			}
			return new RunAssert(tagged, "cases tagged '" + tag + "'");
		}

		/**
		 * Assert on one metric.
		 * @param name the metric name
		 * @return the metric's assertion
		 */
		public RunMetricAssert metric(String name) {
			return new RunMetricAssert(this, name);
		}

	}

	/**
	 * Assertions on one metric over many cases; a case's score is the mean of its repeats.
	 */
	public static final class RunMetricAssert {

		private final RunAssert owner;

		private final String metric;

		RunMetricAssert(RunAssert owner, String metric) {
			this.owner = owner;
			this.metric = metric;
		}

		/**
		 * Assert that the mean over the cases is at least a value.
		 * @param mean the value
		 * @return this
		 */
		public RunMetricAssert meanIsAtLeast(double mean) {
			List<Double> scores = scored();
			MeanInterval interval = MeanInterval.of(scores);
			if (interval.mean() < mean) {
				throw new AssertionFailedError(String.format(Locale.ROOT,
						"%s: mean over %d %s is %.3f (95%% CI %.3f..%.3f), below %.2f; failing: %s", this.metric,
						scores.size(), this.owner.scope, interval.mean(), interval.low(), interval.high(),
						mean, worst()));
			}
			return this;
		}

		/**
		 * Assert that the share of cases passing (by threshold and pass rule) is at least a value.
		 * @param rate the share in [0, 1]
		 * @return this
		 */
		public RunMetricAssert passRateIsAtLeast(double rate) {
			scored();
			long passed = this.owner.results.stream().filter((r) -> r.passes(this.metric)).count();
			double share = (double) passed / this.owner.results.size();
			if (share < rate - 1e-12) {
				throw new AssertionFailedError(String.format(Locale.ROOT,
						"%s: pass rate over %d %s is %.0f%% (%d passed), below %.0f%%; failing: %s", this.metric,
						this.owner.results.size(), this.owner.scope, share * 100, passed, rate * 100, worst()));
			}
			return this;
		}

		private List<Double> scored() {
			List<Double> means = new ArrayList<>();
			for (CaseResult result : this.owner.results) {
				result.metric(this.metric);
				Double mean = result.mean(this.metric);
				if (mean == null) {
					throw notScored(result, this.metric);
				}
				means.add(mean);
			}
			if (means.isEmpty()) {
				throw new AssertionFailedError("No case to assert " + this.metric + " on");
			}
			return means;
		}

		private String worst() {
			List<String> lines = new ArrayList<>();
			this.owner.results.stream()
				.filter((r) -> !r.passes(this.metric))
				.sorted(Comparator.comparingDouble((CaseResult r) -> r.mean(this.metric)))
				.limit(MAX_LISTED)
				.forEach((r) -> lines.add(String.format(Locale.ROOT, "'%s' %s (%s)", r.id(), r.describeScores(this.metric),
						abbreviate(r.worstReasoning(this.metric), 160))));
			return lines.isEmpty() ? "none failing" : String.join("; ", lines);
		}

	}

}
