package com.fallom.evals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a run as a JSON report (every result, the summary, the upload's outcome) and a
 * Markdown report (the summary table and the failures).
 */
public final class EvalReports {

	private static final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
		.withZone(ZoneOffset.UTC);

	private EvalReports() {
	}

	/**
	 * Write both reports of a run into a directory, named {@code eval-<time>.json} and
	 * {@code .md}.
	 * @param run the run
	 * @param directory the directory, created when needed
	 * @return the two files
	 * @throws UncheckedIOException if a file cannot be written
	 */
	public static List<Path> write(EvalRun run, Path directory) {
		String base = "eval-" + FILE_TIME.format(Instant.now());
		Path json = directory.resolve(base + ".json");
		Path markdown = directory.resolve(base + ".md");
		try {
			Files.createDirectories(directory);
			Files.writeString(json, toJson(run), StandardCharsets.UTF_8);
			Files.writeString(markdown, toMarkdown(run), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the eval reports to " + directory, ex);
		}
		return List.of(json, markdown);
	}

	/**
	 * Render a run as JSON.
	 * @param run the run
	 * @return the JSON
	 */
	public static String toJson(EvalRun run) {
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("name", run.name());
		report.put("description", run.description());
		report.put("judge_model", run.judgeModel());
		report.put("complete", run.isComplete());
		report.put("stop_reason", run.stopReason());
		Map<String, Object> upload = new LinkedHashMap<>();
		upload.put("uploaded", run.upload().uploaded());
		upload.put("run_id", run.upload().runId());
		upload.put("dashboard_url", run.upload().dashboardUrl());
		upload.put("error", run.upload().error());
		report.put("upload", upload);
		report.put("judge_calls", run.judgeCalls());
		report.put("model_calls", run.modelCalls());
		report.put("cache_hits", run.cacheHits());
		report.put("cost", run.cost());
		report.put("duration_ms", run.duration().toMillis());
		report.put("summary", run.summary().rows());
		report.put("results", run.resultsByModel());
		return mapper.writeValueAsString(report);
	}

	/**
	 * Render a run as Markdown.
	 * @param run the run
	 * @return the Markdown
	 */
	public static String toMarkdown(EvalRun run) {
		StringBuilder text = new StringBuilder();
		text.append("# ").append(run.name()).append("\n\n");
		if (run.description() != null) {
			text.append(run.description()).append("\n\n");
		}
		text.append(String.format(Locale.ROOT,
				"Judge `%s`; %d results; %d judge calls, %d model calls, %d cached; $%.4f; %d ms; %s.%n%n",
				run.judgeModel(), run.results().size(), run.judgeCalls(), run.modelCalls(), run.cacheHits(),
				run.cost(), run.duration().toMillis(), run.upload().describe()));
		if (run.stopReason() != null) {
			text.append("**Partial result**: ").append(run.stopReason()).append(".\n\n");
		}
		text.append(run.summary().toMarkdown());
		List<String> failures = new ArrayList<>();
		for (EvalResult result : run.results()) {
			if (result.generationError() != null) {
				failures.add("- " + result.model() + ", `" + abbreviate(result.input()) + "`: generation: "
						+ result.generationError());
			}
			result.errors()
				.forEach((metric, error) -> failures.add(
						"- " + result.model() + ", `" + abbreviate(result.input()) + "`: " + metric + ": " + error));
		}
		if (!failures.isEmpty()) {
			text.append("\n## Errors\n\n");
			failures.forEach((failure) -> text.append(failure).append('\n'));
		}
		return text.toString();
	}

	private static String abbreviate(String text) {
		String line = text.replace('\n', ' ').replace('\r', ' ').replace('`', '\'');
		return (line.length() > 60) ? line.substring(0, 60) + "..." : line;
	}

}
