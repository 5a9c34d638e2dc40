package com.fallom.evals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What to evaluate: the items (a list, test cases, or a Fallom dataset key), the metrics
 * (all seven built-ins unless told), the judge context, and the run's name and description.
 * A fluent, single-use description, not thread-safe: <pre class="code">
 * EvalRequest.items(items).metrics("answer_relevancy", "toxicity").name("Nightly");
 * </pre>
 */
public final class EvalRequest {

	private final @Nullable List<EvalItem> items;

	private final @Nullable String datasetKey;

	private final @Nullable Integer datasetVersion;

	private final List<Object> metrics = new ArrayList<>();

	private boolean metricsSet;

	private @Nullable String judgeContext;

	private @Nullable String name;

	private @Nullable String description;

	private boolean includeProduction = true;

	private boolean upload = true;

	private EvalRequest(@Nullable List<EvalItem> items, @Nullable String datasetKey, @Nullable Integer datasetVersion) {
		this.items = items;
		this.datasetKey = datasetKey;
		this.datasetVersion = datasetVersion;
	}

	/**
	 * Evaluate a list of items (or test cases).
	 * @param items the items
	 * @return the request
	 */
	public static EvalRequest items(List<EvalItem> items) {
		Objects.requireNonNull(items, "items must not be null");
		items.forEach((item) -> Objects.requireNonNull(item, "items must not contain null"));
		return new EvalRequest(List.copyOf(items), null, null);
	}

	/**
	 * Evaluate items.
	 * @param items the items
	 * @return the request
	 */
	public static EvalRequest items(EvalItem... items) {
		return items(Arrays.asList(items));
	}

	/**
	 * Evaluate the latest version of a dataset of the Fallom app.
	 * @param key the dataset key
	 * @return the request
	 */
	public static EvalRequest dataset(String key) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("The dataset key must not be blank");
		}
		return new EvalRequest(null, key, null);
	}

	/**
	 * Evaluate one version of a dataset of the Fallom app.
	 * @param key the dataset key
	 * @param version the version
	 * @return the request
	 */
	public static EvalRequest dataset(String key, int version) {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("The dataset key must not be blank");
		}
		return new EvalRequest(null, key, version);
	}

	/**
	 * Set the metrics, built-in names or {@link Metric}s, in the order to judge them.
	 * @param metrics the metrics; none means no judge call at all
	 * @return this request
	 */
	public EvalRequest metrics(Object... metrics) {
		return metrics(Arrays.asList(metrics));
	}

	/**
	 * Set the metrics, built-in names or {@link Metric}s, in the order to judge them.
	 * @param metrics the metrics
	 * @return this request
	 */
	public EvalRequest metrics(List<?> metrics) {
		Objects.requireNonNull(metrics, "metrics must not be null");
		this.metrics.clear();
		this.metrics.addAll(metrics);
		this.metricsSet = true;
		return this;
	}

	/**
	 * Set background about the product or domain the judge should know.
	 * @param judgeContext the context
	 * @return this request
	 */
	public EvalRequest judgeContext(@Nullable String judgeContext) {
		this.judgeContext = judgeContext;
		return this;
	}

	/**
	 * Set the run's name; by default {@code Production Eval yyyy-MM-dd HH:mm} (UTC), or
	 * {@code Model Comparison ...} for a comparison.
	 * @param name the name
	 * @return this request
	 */
	public EvalRequest name(@Nullable String name) {
		this.name = name;
		return this;
	}

	/**
	 * Set the run's description.
	 * @param description the description
	 * @return this request
	 */
	public EvalRequest description(@Nullable String description) {
		this.description = description;
		return this;
	}

	/**
	 * Set whether a comparison also judges the items' own outputs, as {@code production}.
	 * True by default.
	 * @param includeProduction whether to judge the items' outputs
	 * @return this request
	 */
	public EvalRequest includeProduction(boolean includeProduction) {
		this.includeProduction = includeProduction;
		return this;
	}

	/**
	 * Set whether to upload the results to the Fallom dashboard (when a Fallom API key is
	 * set). True by default.
	 * @param upload whether to upload
	 * @return this request
	 */
	public EvalRequest upload(boolean upload) {
		this.upload = upload;
		return this;
	}

	@Nullable List<EvalItem> items() {
		return this.items;
	}

	@Nullable String datasetKey() {
		return this.datasetKey;
	}

	@Nullable Integer datasetVersion() {
		return this.datasetVersion;
	}

	/**
	 * Resolve the metrics: names to built-ins, all seven when none were set.
	 * @throws IllegalArgumentException for an unknown name, a wrong type or a duplicate
	 */
	List<Metric> resolvedMetrics() {
		if (!this.metricsSet) {
			return Metric.builtIns();
		}
		List<Metric> resolved = new ArrayList<>();
		for (Object metric : this.metrics) {
			Metric resolvedMetric;
			if (metric instanceof Metric given) {
				resolvedMetric = given;
			}
			else if (metric instanceof String name) {
				resolvedMetric = Metric.of(name);
			}
			else {
				throw new IllegalArgumentException("A metric is a built-in name or a Metric, was " + metric);
			}
			for (Metric previous : resolved) {
				if (previous.name().equals(resolvedMetric.name())) {
					throw new IllegalArgumentException("Metric '" + previous.name() + "' is listed twice");
				}
			}
			resolved.add(resolvedMetric);
		}
		return List.copyOf(resolved);
	}

	@Nullable String judgeContext() {
		return this.judgeContext;
	}

	@Nullable String name() {
		return this.name;
	}

	@Nullable String description() {
		return this.description;
	}

	boolean includeProduction() {
		return this.includeProduction;
	}

	boolean upload() {
		return this.upload;
	}

}
