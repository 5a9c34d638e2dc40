package com.fallom.evals.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.evals.EvalResult;
import com.fallom.evals.EvalRun;
import com.fallom.evals.stats.Gate;
import com.fallom.evals.stats.PairedComparison;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scores of a run by case and metric (a case's score is the mean of its repeats), as
 * committed in a results file: {@code {"suite", "judge_model", "cases": {id: {metric: score}}}}.
 * Comparing two of them per metric is the gate of a change, and also the answer to "is model
 * B better than model A" after a comparison run ({@link #ofModel(EvalRun, String)}).
 *
 * @param suite the suite or model name
 * @param judgeModel the judge model, or {@code null}
 * @param cases the score by metric, by case id
 */
public record Baseline(String suite, @Nullable String judgeModel, Map<String, Map<String, Double>> cases) {

	private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	public Baseline {
		Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
		cases.forEach((id, scores) -> copy.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(scores))));
		cases = Collections.unmodifiableMap(copy);
	}

	/**
	 * Take the scores of a suite's case results.
	 * @param suite the suite name
	 * @param judgeModel the judge model, or {@code null}
	 * @param results the case results
	 * @return the scores
	 */
	public static Baseline of(String suite, @Nullable String judgeModel, List<CaseResult> results) {
		Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
		for (CaseResult result : results) {
			Map<String, Double> scores = new LinkedHashMap<>();
			result.metrics().forEach((metric) -> {
				Double mean = result.mean(metric.name());
				if (mean != null) {
					scores.put(metric.name(), mean);
				}
			});
			cases.put(result.id(), scores);
		}
		return new Baseline(suite, judgeModel, cases);
	}

	/**
	 * Take the scores of one model of a run, by case id ({@code case_id} metadata) or else by
	 * item position ({@code item-N}).
	 * @param run the run, e.g. a comparison
	 * @param model the model, e.g. {@code production} or a candidate's name
	 * @return the scores
	 * @throws IllegalArgumentException if the run has no such model
	 */
	public static Baseline ofModel(EvalRun run, String model) {
		List<EvalResult> results = run.resultsByModel().get(model);
		if (results == null) {
			throw new IllegalArgumentException(
					"Run '" + run.name() + "' has no model '" + model + "'; its models: " + run.resultsByModel().keySet());
		}
		Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
		for (int i = 0; i < results.size(); i++) {
			EvalResult result = results.get(i);
			Object id = (result.metadata() != null) ? result.metadata().get("case_id") : null;
			cases.put((id != null) ? id.toString() : "item-" + (i + 1), result.scores());
		}
		return new Baseline(model, run.judgeModel(), cases);
	}

	/**
	 * Read a results file.
	 * @param file the file
	 * @return the scores
	 * @throws IllegalArgumentException naming the file when it cannot be read
	 */
	public static Baseline read(Path file) {
		try {
			JsonNode root = MAPPER.readTree(Files.readString(file));
			Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
			JsonNode casesNode = root.get("cases");
			if (casesNode == null || !casesNode.isObject()) {
				throw new IllegalArgumentException("Baseline " + file + " has no \"cases\" object");
			}
			for (Map.Entry<String, JsonNode> entry : casesNode.properties()) {
				Map<String, Double> scores = new LinkedHashMap<>();
				for (Map.Entry<String, JsonNode> score : entry.getValue().properties()) {
					if (!score.getValue().isNumber()) {
						throw new IllegalArgumentException("Baseline " + file + " case '" + entry.getKey() + "' metric '"
								+ score.getKey() + "' is not a number");
					}
					scores.put(score.getKey(), score.getValue().asDouble());
				}
				cases.put(entry.getKey(), scores);
			}
			JsonNode suite = root.get("suite");
			JsonNode judge = root.get("judge_model");
			return new Baseline((suite != null) ? suite.asString() : "baseline",
					(judge != null && !judge.isNull()) ? judge.asString() : null, cases);
		}
		catch (IOException | JacksonException ex) {
			throw new IllegalArgumentException("Baseline " + file + " cannot be read: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Write this as a results file.
	 * @param file the file; its directory is created
	 */
	public void write(Path file) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("suite", this.suite);
		root.put("judge_model", this.judgeModel);
		root.put("cases", this.cases);
		try {
			if (file.toAbsolutePath().getParent() != null) {
				Files.createDirectories(file.toAbsolutePath().getParent());
			}
			Files.writeString(file, MAPPER.writeValueAsString(root) + "\n");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write " + file + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the case ids of another result that this baseline has no scores for.
	 * @param run the run's scores
	 * @return the missing case ids, in the run's order
	 */
	public List<String> missingCases(Baseline run) {
		return run.cases.keySet().stream().filter((id) -> !this.cases.containsKey(id)).toList();
	}

	/**
	 * Compare a run with this baseline, per metric over the cases both scored.
	 * @param run the run's scores
	 * @param metrics the metric names
	 * @param gate the gate
	 * @return one comparison per metric
	 */
	public List<PairedComparison> compare(Baseline run, List<String> metrics, Gate gate) {
		List<PairedComparison> comparisons = new ArrayList<>();
		for (String metric : metrics) {
			comparisons.add(PairedComparison.compare(metric, scoresOf(metric), run.scoresOf(metric), gate));
		}
		return comparisons;
	}

	/**
	 * Return one metric's score by case id.
	 * @param metric the metric name
	 * @return the scores
	 */
	public Map<String, Double> scoresOf(String metric) {
		Map<String, Double> scores = new LinkedHashMap<>();
		this.cases.forEach((id, byMetric) -> {
			Double score = byMetric.get(metric);
			if (score != null) {
				scores.put(id, score);
			}
		});
		return scores;
	}

}
