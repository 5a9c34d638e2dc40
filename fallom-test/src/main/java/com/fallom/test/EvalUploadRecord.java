package com.fallom.test;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An upload of eval results ({@code POST /api/sdk-evals}) that {@link FallomMockEvals}
 * accepted, with typed access to its fields.
 *
 * @param runId the run id the mock answered
 * @param body the parsed JSON body
 */
public record EvalUploadRecord(String runId, Map<String, Object> body) {

	/** @return {@code name} */
	public @Nullable String name() {
		return (String) this.body.get("name");
	}

	/** @return {@code description}, or {@code null} when absent */
	public @Nullable String description() {
		return (String) this.body.get("description");
	}

	/** @return {@code dataset_size}, or {@code null} */
	public @Nullable Integer datasetSize() {
		Object size = this.body.get("dataset_size");
		return (size instanceof Number number) ? number.intValue() : null;
	}

	/** @return {@code judge_model} */
	public @Nullable String judgeModel() {
		return (String) this.body.get("judge_model");
	}

	/** @return {@code results}, each a JSON object */
	@SuppressWarnings("unchecked")
	public List<Map<String, Object>> results() {
		Object results = this.body.get("results");
		return (results instanceof List<?> list) ? (List<Map<String, Object>>) list : List.of();
	}

	/**
	 * Return the results of one model.
	 * @param model {@code production} or a candidate's name
	 * @return the results
	 */
	public List<Map<String, Object>> resultsOf(String model) {
		return results().stream().filter((result) -> model.equals(result.get("model"))).toList();
	}

	/**
	 * Return the uploaded score of a result.
	 * @param index the result's index
	 * @param metric a built-in metric's column, e.g. {@code toxicity}
	 * @return the score, or {@code null} when absent
	 */
	public @Nullable Double score(int index, String metric) {
		Object score = results().get(index).get(metric);
		return (score instanceof Number number) ? number.doubleValue() : null;
	}

}
