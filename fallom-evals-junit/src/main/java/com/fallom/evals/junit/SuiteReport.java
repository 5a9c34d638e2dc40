package com.fallom.evals.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import com.fallom.evals.Metric;
import com.fallom.evals.stats.MeanInterval;
import com.fallom.evals.stats.PairedComparison;
import org.jspecify.annotations.Nullable;

/**
 * The report of a suite: per metric the mean with its 95 % interval over the cases, the pass
 * rate, the largest spread of a case's repeats, the worst cases with the judge's reasoning,
 * and the baseline comparison; as a summary for the test output, Markdown and HTML.
 *
 * @param suite the suite name
 * @param judgeModel the judge model
 * @param repeats the repeats per case
 * @param rows one row per metric
 * @param baseline what the baseline comparison found: a note (none, written, missing cases)
 * @param comparisons the comparison per metric, empty without a baseline
 */
public record SuiteReport(String suite, String judgeModel, int repeats, List<Row> rows, String baseline,
		List<PairedComparison> comparisons) {

	private static final int WORST = 3;

	public SuiteReport {
		rows = List.copyOf(rows);
		comparisons = List.copyOf(comparisons);
	}

	/**
	 * Compute the rows of the results.
	 * @param metrics the metrics
	 * @param results the case results
	 * @return one row per metric
	 */
	public static List<Row> rows(List<Metric> metrics, List<CaseResult> results) {
		List<Row> rows = new ArrayList<>();
		for (Metric metric : metrics) {
			String name = metric.name();
			List<Double> means = results.stream().map((r) -> r.mean(name)).filter(Objects::nonNull).toList();
			long passed = results.stream().filter((r) -> r.passes(name)).count();
			int failedCalls = results.stream().mapToInt((r) -> r.errors(name).size()).sum();
			double spread = 0;
			for (CaseResult result : results) {
				List<Double> scores = result.scores(name);
				if (scores.size() > 1) {
					spread = Math.max(spread, scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
							- scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
				}
			}
			List<Worst> worst = results.stream()
				.filter((r) -> r.mean(name) != null)
				.sorted(Comparator.comparingDouble((CaseResult r) -> r.mean(name)))
				.limit(WORST)
				.map((r) -> new Worst(r.id(), r.describeScores(name), r.passes(name), r.worstReasoning(name)))
				.toList();
			rows.add(new Row(name, metric.threshold(), means.isEmpty() ? null : MeanInterval.of(means),
					results.isEmpty() ? 0 : (double) passed / results.size(), results.size(), failedCalls, spread,
					worst));
		}
		return rows;
	}

	/**
	 * Render the summary printed in the test output.
	 * @param links the report files to link
	 * @return the lines
	 */
	public String summary(List<Path> links) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "Fallom evals '%s' (judge %s, %d repeat%s per case):%n", this.suite,
				this.judgeModel, this.repeats, (this.repeats == 1) ? "" : "s"));
		for (Row row : this.rows) {
			out.append(String.format(Locale.ROOT, "  %-20s %s  pass %3.0f%% of %d  max spread %.2f%s%n", row.metric(),
					describe(row.mean()), row.passRate() * 100, row.cases(), row.maxSpread(),
					(row.failedCalls() > 0) ? "  " + row.failedCalls() + " judge errors" : ""));
		}
		out.append("  baseline: ").append(this.baseline).append(System.lineSeparator());
		for (PairedComparison comparison : this.comparisons) {
			out.append("    ").append(comparison.passes() ? "ok   " : "FAIL ").append(comparison.describe())
				.append(System.lineSeparator());
		}
		for (Path link : links) {
			out.append("  report: ").append(link.toAbsolutePath().toUri()).append(System.lineSeparator());
		}
		return out.toString();
	}

	/**
	 * Render the report in Markdown.
	 * @return the Markdown
	 */
	public String toMarkdown() {
		StringBuilder md = new StringBuilder();
		md.append("# Fallom evals: ").append(this.suite).append("\n\n");
		md.append("Judge `").append(this.judgeModel).append("`, ").append(this.repeats).append(" repeat(s) per case.\n\n");
		md.append("| Metric | Mean | 95 % CI | Pass rate | Threshold | Cases | Judge errors | Max spread |\n");
		md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Row row : this.rows) {
			MeanInterval mean = row.mean();
			md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f%% | %.2f | %d | %d | %.2f |%n", row.metric(),
					(mean != null) ? String.format(Locale.ROOT, "%.3f", mean.mean()) : "-",
					(mean != null) ? String.format(Locale.ROOT, "%.3f..%.3f", mean.low(), mean.high()) : "-",
					row.passRate() * 100, row.threshold(), row.cases(), row.failedCalls(), row.maxSpread()));
		}
		md.append("\n## Worst cases\n\n| Metric | Case | Score | Passes | Judge's reasoning |\n|---|---|---|---|---|\n");
		for (Row row : this.rows) {
			for (Worst worst : row.worst()) {
				md.append("| ").append(row.metric()).append(" | ").append(cell(worst.caseId())).append(" | ")
					.append(worst.scores()).append(" | ").append(worst.passes() ? "yes" : "**no**").append(" | ")
					.append(cell(worst.reasoning())).append(" |\n");
			}
		}
		md.append("\n## Baseline\n\n").append(this.baseline).append("\n\n");
		for (PairedComparison comparison : this.comparisons) {
			md.append("- ").append(comparison.passes() ? "ok: " : "**FAIL**: ").append(comparison.describe()).append('\n');
		}
		return md.toString();
	}

	/**
	 * Render the report as an HTML page.
	 * @return the page
	 */
	public String toHtml() {
		StringBuilder html = new StringBuilder();
		html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fallom evals: ")
			.append(escape(this.suite))
			.append("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
					+ "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
					+ ".fail{color:#b00020;font-weight:bold}.ok{color:#1b5e20}</style></head><body>\n")
			.append("<h1>Fallom evals: ").append(escape(this.suite)).append("</h1>\n<p>Judge <code>")
			.append(escape(this.judgeModel)).append("</code>, ").append(this.repeats)
			.append(" repeat(s) per case.</p>\n<table id=\"metrics\"><tr><th>Metric</th><th>Mean</th><th>95 % CI</th>"
					+ "<th>Pass rate</th><th>Threshold</th><th>Cases</th><th>Judge errors</th><th>Max spread</th></tr>\n");
		for (Row row : this.rows) {
			MeanInterval mean = row.mean();
			html.append(String.format(Locale.ROOT,
					"<tr><td>%s</td><td>%s</td><td>%s</td><td>%.0f%%</td><td>%.2f</td><td>%d</td><td>%d</td><td>%.2f</td></tr>%n",
					escape(row.metric()), (mean != null) ? String.format(Locale.ROOT, "%.3f", mean.mean()) : "-",
					(mean != null) ? String.format(Locale.ROOT, "%.3f..%.3f", mean.low(), mean.high()) : "-",
					row.passRate() * 100, row.threshold(), row.cases(), row.failedCalls(), row.maxSpread()));
		}
		html.append("</table>\n<h2>Worst cases</h2>\n<table id=\"worst\"><tr><th>Metric</th><th>Case</th><th>Score</th>"
				+ "<th>Passes</th><th>Judge's reasoning</th></tr>\n");
		for (Row row : this.rows) {
			for (Worst worst : row.worst()) {
				html.append("<tr><td>").append(escape(row.metric())).append("</td><td>").append(escape(worst.caseId()))
					.append("</td><td>").append(escape(worst.scores())).append("</td><td class=\"")
					.append(worst.passes() ? "ok\">yes" : "fail\">no").append("</td><td>")
					.append(escape(worst.reasoning())).append("</td></tr>\n");
			}
		}
		html.append("</table>\n<h2>Baseline</h2>\n<p>").append(escape(this.baseline)).append("</p>\n<ul id=\"baseline\">\n");
		for (PairedComparison comparison : this.comparisons) {
			html.append("<li class=\"").append(comparison.passes() ? "ok" : "fail").append("\">")
				.append(escape(comparison.describe())).append("</li>\n");
		}
		return html.append("</ul>\n</body></html>\n").toString();
	}

	/**
	 * Write the Markdown and HTML reports.
	 * @param directory the directory, created if missing
	 * @return the files written
	 */
	public List<Path> write(Path directory) {
		String base = this.suite.replaceAll("[^A-Za-z0-9._-]", "-");
		Path markdown = directory.resolve(base + ".md");
		Path html = directory.resolve(base + ".html");
		try {
			Files.createDirectories(directory);
			Files.writeString(markdown, toMarkdown());
			Files.writeString(html, toHtml());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot write the eval reports to " + directory + ": " + ex.getMessage(), ex);
		}
		return List.of(markdown, html);
	}

	private static String describe(@Nullable MeanInterval mean) {
		return (mean != null) ? String.format(Locale.ROOT, "mean %.3f (95%% CI %.3f..%.3f)", mean.mean(), mean.low(),
				mean.high()) : "not scored";
	}

	private static String cell(String text) {
		return text.replace("|", "\\|").replaceAll("\\s+", " ");
	}

	static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/**
	 * One metric.
	 *
	 * @param metric the metric name
	 * @param threshold its threshold
	 * @param mean the mean of the cases' scores with its 95 % interval, or {@code null}
	 * @param passRate the share of cases passing
	 * @param cases the cases
	 * @param failedCalls the judge calls that failed
	 * @param maxSpread the largest range of one case's repeated scores
	 * @param worst the lowest-scored cases
	 */
	public record Row(String metric, double threshold, @Nullable MeanInterval mean, double passRate, int cases,
			int failedCalls, double maxSpread, List<Worst> worst) {

	}

	/**
	 * One of the worst cases of a metric.
	 *
	 * @param caseId the case id
	 * @param scores its scores
	 * @param passes whether it passes
	 * @param reasoning the judge's reasoning for its lowest score
	 */
	public record Worst(String caseId, String scores, boolean passes, String reasoning) {

	}

}
