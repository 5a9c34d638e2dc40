package com.fallom.evals.junit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fallom.evals.Dataset;
import com.fallom.evals.EvalItem;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads eval cases from a file: JSON Lines ({@code .jsonl}, one object per line), JSON (an
 * array of objects) or CSV ({@code .csv}, a header row). Fields: {@code input} (required),
 * {@code id} (default {@code line-N}, or {@code case-N} in a JSON array), {@code output},
 * {@code expected_output}, {@code system_message}, {@code context} (array), {@code tags}
 * (array; in CSV separated by {@code ;}) and {@code metadata} (object). A file that does
 * not parse fails naming the line and why.
 */
public final class EvalCases {

	private static final ObjectMapper MAPPER = JsonMapper.builder().build();

	private EvalCases() {
	}

	/**
	 * Read cases from {@code classpath:path} or a file path.
	 * @param location the location
	 * @return the cases, in file order
	 * @throws EvalDatasetException naming the file and line when it does not parse
	 */
	public static List<EvalCase> load(String location) {
		String text;
		if (location.startsWith("classpath:")) {
			String path = location.substring("classpath:".length()).replaceFirst("^/", "");
			ClassLoader loader = Thread.currentThread().getContextClassLoader();
			try (InputStream in = (loader != null) ? loader.getResourceAsStream(path)
					: EvalCases.class.getClassLoader().getResourceAsStream(path)) {
				if (in == null) {
					throw new EvalDatasetException("Eval dataset " + location + " is not on the classpath", null);
				}
				text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new EvalDatasetException("Eval dataset " + location + " cannot be read: " + ex.getMessage(), ex);
			}
		}
		else {
			try {
				text = Files.readString(Path.of(location));
			}
			catch (IOException ex) {
				throw new EvalDatasetException("Eval dataset " + location + " cannot be read: " + ex, ex);
			}
		}
		return parse(location, text);
	}

	/**
	 * Parse cases; the format follows the name's extension.
	 * @param name the file name, for the format and the messages
	 * @param text the content
	 * @return the cases
	 */
	public static List<EvalCase> parse(String name, String text) {
		String lower = name.toLowerCase(Locale.ROOT);
		List<EvalCase> cases;
		if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
			cases = parseJsonLines(name, text);
		}
		else if (lower.endsWith(".json")) {
			cases = parseJsonArray(name, text);
		}
		else if (lower.endsWith(".csv")) {
			cases = parseCsv(name, text);
		}
		else {
			throw new EvalDatasetException(
					"Eval dataset " + name + " has an unknown format: name it .jsonl, .json or .csv", null);
		}
		Set<String> ids = new HashSet<>();
		for (EvalCase c : cases) {
			if (!ids.add(c.id())) {
				throw new EvalDatasetException("Eval dataset " + name + " has the case id '" + c.id() + "' twice", null);
			}
		}
		return cases;
	}

	/**
	 * Turn a dataset of the Fallom app into cases (ids {@code case-N}, or an entry's
	 * {@code metadata.id}).
	 * @param dataset the dataset
	 * @return the cases
	 */
	public static List<EvalCase> of(Dataset dataset) {
		List<EvalCase> cases = new ArrayList<>();
		int n = 0;
		for (EvalItem item : dataset.items()) {
			n++;
			Map<String, Object> metadata = (item.metadata() != null) ? item.metadata() : Map.of();
			Object id = metadata.get("id");
			String caseId = (id != null) ? id.toString() : "case-" + n;
			if (item.input().isBlank()) {
				throw new EvalDatasetException(
						"Fallom dataset " + dataset.key() + " entry " + n + " (case '" + caseId + "') has no input", null);
			}
			cases.add(new EvalCase(caseId, item.input(), item.output(), item.expectedOutput(), item.systemMessage(),
					item.context(), List.of(), metadata));
		}
		return cases;
	}

	private static List<EvalCase> parseJsonLines(String name, String text) {
		List<EvalCase> cases = new ArrayList<>();
		String[] lines = text.split("\r?\n", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty()) {
				continue;
			}
			String where = name + " line " + (i + 1);
			JsonNode node;
			try {
				node = MAPPER.readTree(line);
			}
			catch (JacksonException ex) {
				throw new EvalDatasetException(where + " is not JSON: " + ex.getOriginalMessage(), ex);
			}
			cases.add(fromJson(where, node, "line-" + (i + 1)));
		}
		return cases;
	}

	private static List<EvalCase> parseJsonArray(String name, String text) {
		JsonNode root;
		try {
			root = MAPPER.readTree(text);
		}
		catch (JacksonException ex) {
			int line = (ex.getLocation() != null) ? ex.getLocation().getLineNr() : -1;
			throw new EvalDatasetException(name + " line " + line + " is not JSON: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || !root.isArray()) {
			throw new EvalDatasetException(name + " is not a JSON array of cases", null);
		}
		List<EvalCase> cases = new ArrayList<>();
		for (int i = 0; i < root.size(); i++) {
			cases.add(fromJson(name + " case " + (i + 1), root.get(i), "case-" + (i + 1)));
		}
		return cases;
	}

	private static EvalCase fromJson(String where, JsonNode node, String defaultId) {
		if (!node.isObject()) {
			throw new EvalDatasetException(where + " is not a JSON object", null);
		}
		String id = text(node, "id");
		String caseId = (id != null) ? id : defaultId;
		String input = text(node, "input");
		if (input == null || input.isBlank()) {
			throw new EvalDatasetException(where + " (case '" + caseId + "') has no input", null);
		}
		List<String> context = null;
		if (node.hasNonNull("context")) {
			context = strings(where, node.get("context"), "context");
		}
		List<String> tags = node.hasNonNull("tags") ? strings(where, node.get("tags"), "tags") : List.of();
		Map<String, Object> metadata = new LinkedHashMap<>();
		if (node.hasNonNull("metadata")) {
			if (!node.get("metadata").isObject()) {
				throw new EvalDatasetException(where + " (case '" + caseId + "'): metadata is not an object", null);
			}
			metadata.putAll(MAPPER.convertValue(node.get("metadata"), Map.class));
		}
		String expected = text(node, "expected_output");
		String system = text(node, "system_message");
		return new EvalCase(caseId, input, text(node, "output"),
				(expected != null) ? expected : text(node, "expectedOutput"),
				(system != null) ? system : text(node, "systemMessage"), context, tags, metadata);
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	private static List<String> strings(String where, JsonNode node, String field) {
		if (!node.isArray()) {
			throw new EvalDatasetException(where + ": " + field + " is not an array of strings", null);
		}
		List<String> values = new ArrayList<>();
		node.forEach((value) -> values.add(value.asString()));
		return values;
	}

	private static List<EvalCase> parseCsv(String name, String text) {
		List<List<String>> rows = new ArrayList<>();
		List<Integer> rowLines = new ArrayList<>();
		List<String> row = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		int line = 1;
		int rowStart = 1;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					cell.append('"');
					i++;
				}
				else if (c == '"') {
					quoted = false;
				}
				else {
					if (c == '\n') {
						line++;
					}
					cell.append(c);
				}
			}
			else if (c == '"' && cell.isEmpty()) {
				quoted = true;
			}
			else if (c == ',') {
				row.add(cell.toString());
				cell.setLength(0);
			}
			else if (c == '\n' || c == '\r') {
				if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
					i++;
				}
				row.add(cell.toString());
				cell.setLength(0);
				if (!(row.size() == 1 && row.get(0).isBlank())) {
					rows.add(row);
					rowLines.add(rowStart);
				}
				row = new ArrayList<>();
				line++;
				rowStart = line;
			}
			else {
				cell.append(c);
			}
		}
		if (quoted) {
			throw new EvalDatasetException(name + " line " + rowStart + " has a quote that is never closed", null);
		}
		if (!cell.isEmpty() || !row.isEmpty()) {
			row.add(cell.toString());
			rows.add(row);
			rowLines.add(rowStart);
		}
		if (rows.isEmpty()) {
			return List.of();
		}
		List<String> header = rows.get(0).stream().map(String::strip).toList();
		if (!header.contains("input")) {
			throw new EvalDatasetException(name + " line " + rowLines.get(0) + " is a header without an input column",
					null);
		}
		List<EvalCase> cases = new ArrayList<>();
		for (int r = 1; r < rows.size(); r++) {
			List<String> cells = rows.get(r);
			String where = name + " line " + rowLines.get(r);
			if (cells.size() != header.size()) {
				throw new EvalDatasetException(
						where + " has " + cells.size() + " cells, the header " + header.size(), null);
			}
			Map<String, String> values = new LinkedHashMap<>();
			for (int c = 0; c < header.size(); c++) {
				values.put(header.get(c), cells.get(c));
			}
			String id = blankToNull(values.remove("id"));
			String caseId = (id != null) ? id : "line-" + rowLines.get(r);
			String input = blankToNull(values.remove("input"));
			if (input == null) {
				throw new EvalDatasetException(where + " (case '" + caseId + "') has no input", null);
			}
			String tags = blankToNull(values.remove("tags"));
			String context = blankToNull(values.remove("context"));
			String output = blankToNull(values.remove("output"));
			String expected = blankToNull(values.remove("expected_output"));
			String system = blankToNull(values.remove("system_message"));
			Map<String, Object> metadata = new LinkedHashMap<>();
			values.forEach((key, value) -> {
				if (!value.isEmpty()) {
					metadata.put(key, value);
				}
			});
			cases.add(new EvalCase(caseId, input, output, expected, system,
					(context != null) ? List.of(context.split(";")) : null,
					(tags != null) ? List.of(tags.split(";")).stream().map(String::strip).toList() : List.of(),
					metadata));
		}
		return cases;
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

}
