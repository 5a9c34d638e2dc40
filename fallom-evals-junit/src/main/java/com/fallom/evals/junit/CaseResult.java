package com.fallom.evals.junit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import com.fallom.evals.EvalResult;
import com.fallom.evals.Metric;
import org.jspecify.annotations.Nullable;

/**
 * A case's evaluation: the results of its repeats, and per metric the scores, their mean
 * and spread, and the verdict of the pass rule.
 *
 * @param evalCase the case
 * @param metrics the metrics, with their thresholds
 * @param repeats the result of each repeat
 * @param rule the pass rule over the repeats
 */
public record CaseResult(EvalCase evalCase, List<Metric> metrics, List<EvalResult> repeats, PassRule rule) {

	public CaseResult {
		metrics = List.copyOf(metrics);
		repeats = List.copyOf(repeats);
	}

	/**
	 * Return the case id.
	 * @return the id
	 */
	public String id() {
		return this.evalCase.id();
	}

	/**
	 * Return a metric of this result.
	 * @param name the metric name
	 * @return the metric
	 * @throws IllegalArgumentException if the case was not scored on it
	 */
	public Metric metric(String name) {
		return this.metrics.stream()
			.filter((metric) -> metric.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Case '" + id() + "' was not evaluated on metric '" + name
					+ "'; its metrics: " + this.metrics.stream().map(Metric::name).toList()));
	}

	/**
	 * Return the scores of a metric, one per repeat that the judge scored.
	 * @param metric the metric name
	 * @return the scores
	 */
	public List<Double> scores(String metric) {
		return this.repeats.stream().map((result) -> result.score(metric)).filter(Objects::nonNull).toList();
	}

	/**
	 * Return the errors of a metric, one per repeat that failed.
	 * @param metric the metric name
	 * @return the errors
	 */
	public List<String> errors(String metric) {
		List<String> errors = new ArrayList<>();
		for (EvalResult result : this.repeats) {
			String error = result.errors().get(metric);
			if (error == null && result.generationError() != null) {
				error = result.generationError();
			}
			if (error != null) {
				errors.add(error);
			}
		}
		return errors;
	}

	/**
	 * Return the mean score of a metric over the repeats.
	 * @param metric the metric name
	 * @return the mean, or {@code null} when no repeat was scored
	 */
	public @Nullable Double mean(String metric) {
		List<Double> scores = scores(metric);
		return scores.isEmpty() ? null : scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
	}

	/**
	 * Whether the metric passes by the pass rule (false when no repeat was scored).
	 * @param metric the metric name
	 * @return the verdict
	 */
	public boolean passes(String metric) {
		List<Double> scores = scores(metric);
		return !scores.isEmpty() && this.rule.passes(scores, metric(metric).threshold());
	}

	/**
	 * Return the judge's reasoning for the lowest score of a metric (or the first error).
	 * @param metric the metric name
	 * @return the reasoning, or an empty string
	 */
	public String worstReasoning(String metric) {
		return this.repeats.stream()
			.filter((result) -> result.score(metric) != null)
			.min(Comparator.comparingDouble((EvalResult result) -> result.score(metric)))
			.map((result) -> result.reasoning().getOrDefault(metric, ""))
			.orElseGet(() -> String.join("; ", errors(metric)));
	}

	/**
	 * Describe the scores of a metric: the mean, and with repeats each score and the range.
	 * @param metric the metric name
	 * @return the description
	 */
	public String describeScores(String metric) {
		List<Double> scores = scores(metric);
		if (scores.isEmpty()) {
			return "not scored";
		}
		String mean = String.format(Locale.ROOT, "%.3f", mean(metric));
		if (this.repeats.size() == 1) {
			return mean;
		}
		double min = scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
		double max = scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
		return String.format(Locale.ROOT, "mean %s of %d repeats %s, range %.2f..%.2f%s", mean, scores.size(),
				scores.stream().map((s) -> String.format(Locale.ROOT, "%.2f", s)).toList(), min, max,
				(scores.size() < this.repeats.size()) ? ", " + (this.repeats.size() - scores.size()) + " failed" : "");
	}

}
