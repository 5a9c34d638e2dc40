package com.fallom.evals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The table at the end of a run: per model and metric, the mean score, the pass rate at
 * the metric's threshold, and how many results were scored, failed or not run.
 *
 * @param rows the rows, by model then metric
 */
public record EvalSummary(List<Row> rows) {

	public EvalSummary {
		rows = List.copyOf(rows);
	}

	static EvalSummary of(List<Metric> metrics, Map<String, List<EvalResult>> resultsByModel) {
		List<Row> rows = new ArrayList<>();
		resultsByModel.forEach((model, results) -> {
			for (Metric metric : metrics) {
				int scored = 0;
				int passed = 0;
				int errors = 0;
				int notRun = 0;
				double sum = 0;
				for (EvalResult result : results) {
					Double score = result.scores().get(metric.name());
					if (score != null) {
						scored++;
						sum += score;
						if (score >= metric.threshold()) {
							passed++;
						}
					}
					else if (result.errors().containsKey(metric.name()) || result.generationError() != null) {
						errors++;
					}
					else if (result.notRun().contains(metric.name())) {
						notRun++;
					}
				}
				rows.add(new Row(model, metric.name(), (scored > 0) ? sum / scored : null,
						(scored > 0) ? (double) passed / scored : null, metric.threshold(), scored, errors, notRun));
			}
		});
		return new EvalSummary(rows);
	}

	/**
	 * Return the row of a model and a metric.
	 * @param model the model
	 * @param metric the metric name
	 * @return the row, or {@code null}
	 */
	public @Nullable Row row(String model, String metric) {
		return this.rows.stream()
			.filter((row) -> row.model().equals(model) && row.metric().equals(metric))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Render the table in Markdown.
	 * @return the table
	 */
	public String toMarkdown() {
		StringBuilder table = new StringBuilder(
				"| Model | Metric | Mean | Pass rate | Threshold | Scored | Errors | Not run |\n"
						+ "|---|---|---:|---:|---:|---:|---:|---:|\n");
		for (Row row : this.rows) {
			table.append("| ")
				.append(row.model())
				.append(" | ")
				.append(row.metric())
				.append(" | ")
				.append((row.mean() != null) ? String.format(Locale.ROOT, "%.3f", row.mean()) : "-")
				.append(" | ")
				.append((row.passRate() != null) ? String.format(Locale.ROOT, "%.0f%%", row.passRate() * 100) : "-")
				.append(" | ")
				.append(String.format(Locale.ROOT, "%.2f", row.threshold()))
				.append(" | ")
				.append(row.scored())
				.append(" | ")
				.append(row.errors())
				.append(" | ")
				.append(row.notRun())
				.append(" |\n");
		}
		return table.toString();
	}

	/**
	 * One model and metric.
	 *
	 * @param model the model
	 * @param metric the metric name
	 * @param mean the mean score, or {@code null} when nothing was scored
	 * @param passRate the share of scored results at or above the threshold, or {@code null}
	 * @param threshold the metric's threshold
	 * @param scored the results scored
	 * @param errors the results whose metric (or generation) failed
	 * @param notRun the results whose metric the budget left out
	 */
	public record Row(String model, String metric, @Nullable Double mean, @Nullable Double passRate, double threshold,
			int scored, int errors, int notRun) {

	}

}
