package com.fallom.evals.junit;

import java.util.List;
import java.util.Locale;

/**
 * How the scores of a case's repeats make one verdict per metric: every repeat at or above
 * the metric's threshold, a share of them, or their mean at or above a value.
 */
public interface PassRule {

	/**
	 * Whether the scores pass.
	 * @param scores the scores of the repeats that were scored (at least one)
	 * @param threshold the metric's threshold
	 * @return whether they pass
	 */
	boolean passes(List<Double> scores, double threshold);

	/**
	 * Describe the rule for messages and reports.
	 * @param threshold the metric's threshold
	 * @return the description
	 */
	String describe(double threshold);

	/**
	 * Every repeat scores at least the metric's threshold.
	 * @return the rule
	 */
	static PassRule all() {
		return new PassRule() {

			@Override
			public boolean passes(List<Double> scores, double threshold) {
				return scores.stream().allMatch((score) -> score >= threshold);
			}

			@Override
			public String describe(double threshold) {
				return String.format(Locale.ROOT, "every repeat >= %.2f", threshold);
			}

		};
	}

	/**
	 * At least a share of the repeats score the metric's threshold.
	 * @param rate the share in (0, 1], e.g. 0.6 for 3 of 5
	 * @return the rule
	 */
	static PassRule passRate(double rate) {
		if (!(rate > 0 && rate <= 1)) {
			throw new IllegalArgumentException("Pass rate must be in (0, 1], was " + rate);
		}
		return new PassRule() {

			@Override
			public boolean passes(List<Double> scores, double threshold) {
				long passed = scores.stream().filter((score) -> score >= threshold).count();
				return passed >= rate * scores.size() - 1e-9;
			}

			@Override
			public String describe(double threshold) {
				return String.format(Locale.ROOT, "at least %.0f%% of repeats >= %.2f", rate * 100, threshold);
			}

		};
	}

	/**
	 * The mean of the repeats is at least a value (the metric's threshold is not used).
	 * @param mean the value in [0, 1]
	 * @return the rule
	 */
	static PassRule meanAtLeast(double mean) {
		if (!(mean >= 0 && mean <= 1)) {
			throw new IllegalArgumentException("Mean must be in [0, 1], was " + mean);
		}
		return new PassRule() {

			@Override
			public boolean passes(List<Double> scores, double threshold) {
				return scores.stream().mapToDouble(Double::doubleValue).average().orElse(0) >= mean - 1e-12;
			}

			@Override
			public String describe(double threshold) {
				return String.format(Locale.ROOT, "mean of repeats >= %.2f", mean);
			}

		};
	}

}
