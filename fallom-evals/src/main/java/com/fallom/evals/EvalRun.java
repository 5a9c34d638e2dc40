package com.fallom.evals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of an evaluation or a comparison: the results by model ({@code production}
 * first when judged), the summary, the upload's outcome, and, when the budget ran out, why
 * the run stopped early (the results then hold what was done; the rest is in
 * {@link EvalResult#notRun()}).
 */
public final class EvalRun {

	private final String name;

	private final @Nullable String description;

	private final String judgeModel;

	private final List<Metric> metrics;

	private final Map<String, List<EvalResult>> resultsByModel;

	private final EvalUpload upload;

	private final @Nullable String stopReason;

	private final int judgeCalls;

	private final int modelCalls;

	private final int cacheHits;

	private final double cost;

	private final Duration duration;

	private final List<Path> reportFiles;

	private final EvalSummary summary;

	/**
	 * Create a run; the engine does.
	 * @param name the run name
	 * @param description the description
	 * @param judgeModel the judge model
	 * @param metrics the metrics
	 * @param resultsByModel the results by model
	 * @param upload the upload outcome
	 * @param stopReason why the run stopped early, or {@code null}
	 * @param judgeCalls the judge calls sent, retries included
	 * @param modelCalls the candidate calls sent, retries included
	 * @param cacheHits the judge answers taken from the cache
	 * @param cost the dollars spent as far as the replies said
	 * @param duration how long the run took
	 * @param reportFiles the report files written
	 */
	public EvalRun(String name, @Nullable String description, String judgeModel, List<Metric> metrics,
			Map<String, List<EvalResult>> resultsByModel, EvalUpload upload, @Nullable String stopReason,
			int judgeCalls, int modelCalls, int cacheHits, double cost, Duration duration, List<Path> reportFiles) {
		this.name = name;
		this.description = description;
		this.judgeModel = judgeModel;
		this.metrics = List.copyOf(metrics);
		Map<String, List<EvalResult>> copy = new LinkedHashMap<>();
		resultsByModel.forEach((model, results) -> copy.put(model, List.copyOf(results)));
		this.resultsByModel = Collections.unmodifiableMap(copy);
		this.upload = upload;
		this.stopReason = stopReason;
		this.judgeCalls = judgeCalls;
		this.modelCalls = modelCalls;
		this.cacheHits = cacheHits;
		this.cost = cost;
		this.duration = duration;
		this.reportFiles = List.copyOf(reportFiles);
		this.summary = EvalSummary.of(this.metrics, this.resultsByModel);
	}

	/** @return the run name, as uploaded */
	public String name() {
		return this.name;
	}

	/** @return the description, or {@code null} */
	public @Nullable String description() {
		return this.description;
	}

	/** @return the judge model */
	public String judgeModel() {
		return this.judgeModel;
	}

	/** @return the metrics, in the order asked */
	public List<Metric> metrics() {
		return this.metrics;
	}

	/** @return every result: production first, then each candidate's, in item order */
	public List<EvalResult> results() {
		List<EvalResult> all = new ArrayList<>();
		this.resultsByModel.values().forEach(all::addAll);
		return Collections.unmodifiableList(all);
	}

	/** @return the results by model, {@code production} first when judged */
	public Map<String, List<EvalResult>> resultsByModel() {
		return this.resultsByModel;
	}

	/** @return the upload's outcome */
	public EvalUpload upload() {
		return this.upload;
	}

	/** @return why the run stopped before doing everything, or {@code null} when complete */
	public @Nullable String stopReason() {
		return this.stopReason;
	}

	/** @return whether every planned call was made */
	public boolean isComplete() {
		return this.stopReason == null;
	}

	/** @return the judge calls sent, retries included, cache hits excluded */
	public int judgeCalls() {
		return this.judgeCalls;
	}

	/** @return the candidate calls sent, retries included */
	public int modelCalls() {
		return this.modelCalls;
	}

	/** @return the judge answers taken from the cache */
	public int cacheHits() {
		return this.cacheHits;
	}

	/** @return the dollars spent, as far as the replies said */
	public double cost() {
		return this.cost;
	}

	/** @return how long the run took */
	public Duration duration() {
		return this.duration;
	}

	/** @return the JSON and Markdown report files written, if asked */
	public List<Path> reportFiles() {
		return this.reportFiles;
	}

	/** @return the summary per model and metric */
	public EvalSummary summary() {
		return this.summary;
	}

	@Override
	public String toString() {
		return "EvalRun[" + this.name + ", " + results().size() + " results, " + this.upload.describe() + "]";
	}

}
