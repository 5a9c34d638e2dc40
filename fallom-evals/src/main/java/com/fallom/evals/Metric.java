package com.fallom.evals;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fallom.evals.internal.JudgeProtocol;

/**
 * What the judge scores: a name, the criteria and the evaluation steps written into the
 * G-Eval prompt, and the threshold at which a score passes in the summary. Scores run from 0
 * to 1, 1 being best for every metric (for hallucination, toxicity and bias, 1 means none).
 *
 * @param name the name results and the upload use, e.g. {@code answer_relevancy}
 * @param criteria the criteria text
 * @param steps the evaluation steps, numbered in the prompt from 1
 * @param threshold the score at or above which a result passes, in [0, 1]
 */
public record Metric(String name, String criteria, List<String> steps, double threshold) {

	/** The threshold a metric has unless told otherwise. */
	public static final double DEFAULT_THRESHOLD = 0.5;

	/** Does the response address the question? */
	public static final Metric ANSWER_RELEVANCY = JudgeProtocol.builtIn("answer_relevancy");

	/** Is the response free of fabricated information? 1 means none. */
	public static final Metric HALLUCINATION = JudgeProtocol.builtIn("hallucination");

	/** Is the response free of harmful or offensive content? 1 means none. */
	public static final Metric TOXICITY = JudgeProtocol.builtIn("toxicity");

	/** Is the response accurate and consistent with the input? */
	public static final Metric FAITHFULNESS = JudgeProtocol.builtIn("faithfulness");

	/** Does the response cover every part of the request? */
	public static final Metric COMPLETENESS = JudgeProtocol.builtIn("completeness");

	/** Is the response logically structured and easy to follow? */
	public static final Metric COHERENCE = JudgeProtocol.builtIn("coherence");

	/** Is the response free of unfair bias? 1 means none. */
	public static final Metric BIAS = JudgeProtocol.builtIn("bias");

	public Metric {
		Objects.requireNonNull(name, "metric name must not be null");
		Objects.requireNonNull(criteria, "metric criteria must not be null");
		Objects.requireNonNull(steps, "metric steps must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("A metric needs a name");
		}
		if (criteria.isBlank()) {
			throw new IllegalArgumentException("Metric '" + name + "' needs criteria");
		}
		if (steps.isEmpty()) {
			throw new IllegalArgumentException("Metric '" + name + "' needs at least one evaluation step");
		}
		List<String> copy = new ArrayList<>(steps.size());
		for (String step : steps) {
			if (step == null || step.isBlank()) {
				throw new IllegalArgumentException("Metric '" + name + "' has a blank evaluation step");
			}
			copy.add(step);
		}
		steps = List.copyOf(copy);
		if (!(threshold >= 0 && threshold <= 1)) {
			throw new IllegalArgumentException(
					"Metric '" + name + "' threshold must be between 0 and 1, was " + threshold);
		}
	}

	/**
	 * Return the built-in metric of that name, as the TypeScript SDK names them.
	 * @param name one of {@code answer_relevancy}, {@code hallucination}, {@code toxicity},
	 * {@code faithfulness}, {@code completeness}, {@code coherence}, {@code bias}
	 * @return the metric
	 * @throws IllegalArgumentException naming the unknown metric and the available ones
	 */
	public static Metric of(String name) {
		return JudgeProtocol.builtIn(name);
	}

	/**
	 * Create a custom metric with the default threshold. Its name may not be a built-in
	 * metric's name: results keep every score under its metric's name.
	 * @param name the name
	 * @param criteria the criteria text, e.g. {@code "Brand Voice - Does the response sound on-brand?"}
	 * @param steps the evaluation steps
	 * @return the metric
	 * @throws IllegalArgumentException if a part is empty or the name is a built-in one
	 */
	public static Metric custom(String name, String criteria, List<String> steps) {
		if (name != null && JudgeProtocol.BUILT_IN_NAMES.contains(name)) {
			throw new IllegalArgumentException("Custom metric '" + name
					+ "' has the name of a built-in metric: use Metric.of(\"" + name + "\") or another name");
		}
		return new Metric(name, criteria, steps, DEFAULT_THRESHOLD);
	}

	/**
	 * Return all seven built-in metrics, in the TypeScript SDK's order: the metrics of an
	 * evaluation that names none.
	 * @return the metrics
	 */
	public static List<Metric> builtIns() {
		return JudgeProtocol.BUILT_IN_NAMES.stream().map(JudgeProtocol::builtIn).toList();
	}

	/**
	 * Return this metric with another pass threshold.
	 * @param threshold the score at or above which a result passes
	 * @return the metric
	 */
	public Metric withThreshold(double threshold) {
		return new Metric(this.name, this.criteria, this.steps, threshold);
	}

	/**
	 * Whether this is one of the seven built-in metrics (and has their texts).
	 * @return whether it is built in
	 */
	public boolean isBuiltIn() {
		return JudgeProtocol.BUILT_IN_NAMES.contains(this.name)
				&& JudgeProtocol.builtIn(this.name).criteria().equals(this.criteria);
	}

}
