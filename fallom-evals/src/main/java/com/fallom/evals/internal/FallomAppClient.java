package com.fallom.evals.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fallom.evals.Dataset;
import com.fallom.evals.DatasetException;
import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalResult;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Fallom app's evals endpoints, the one place that knows their wire format:
 * {@code GET {app}/api/datasets/{key}} and {@code POST {app}/api/sdk-evals}.
 */
public final class FallomAppClient {

	/** The app URL unless told otherwise. */
	public static final String DEFAULT_APP_URL = "https://app.fallom.com";

	/** The seven score columns of the upload. */
	static final List<String> SCORE_COLUMNS = JudgeProtocol.BUILT_IN_NAMES;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final String appUrl;

	private final String apiKey;

	private final HttpClient httpClient;

	private final Duration timeout;

	/**
	 * Create a client.
	 * @param appUrl the app URL, e.g. {@code https://app.fallom.com}
	 * @param apiKey the Fallom API key
	 * @param httpClient the HTTP client
	 * @param timeout the timeout of one request
	 */
	public FallomAppClient(String appUrl, String apiKey, HttpClient httpClient, Duration timeout) {
		this.appUrl = HttpSupport.stripTrailingSlash(appUrl);
		this.apiKey = apiKey;
		this.httpClient = httpClient;
		this.timeout = timeout;
	}

	/**
	 * Fetch a dataset.
	 * @param key the key, URL-encoded as a path segment
	 * @param version the version, or {@code null} for the latest
	 * @return the dataset
	 * @throws DatasetException naming the key when the app refuses or fails
	 * @throws InterruptedException if interrupted
	 */
	public Dataset fetchDataset(String key, @Nullable Integer version) throws InterruptedException {
		String url = this.appUrl + "/api/datasets/" + HttpSupport.encodeUriComponent(key)
				+ ((version != null) ? "?version=" + version : "");
		HttpResponse<String> response;
		try {
			response = this.httpClient.send(request(url).GET().build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new DatasetException("Failed to fetch dataset '" + key + "': " + ex.getClass().getSimpleName(), key,
					0, ex);
		}
		int status = response.statusCode();
		if (status == 404) {
			throw new DatasetException("Dataset '" + key + "' not found", key, status, null);
		}
		if (status == 403 || status == 401) {
			throw new DatasetException("Access denied to dataset '" + key + "' (HTTP " + status + ")", key, status,
					null);
		}
		if (status / 100 != 2) {
			throw new DatasetException("Failed to fetch dataset '" + key + "': HTTP " + status, key, status, null);
		}
		return parseDataset(key, response.body());
	}

	/**
	 * Parse a dataset response: {@code entries[].input, output, systemMessage, metadata},
	 * {@code dataset.name}, {@code version.version}.
	 * @param key the key
	 * @param body the body
	 * @return the dataset
	 */
	static Dataset parseDataset(String key, String body) {
		JsonNode root;
		try {
			root = mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new DatasetException("Dataset '" + key + "' is not JSON", key, 200, ex);
		}
		if (root == null || !root.path("entries").isArray()) {
			throw new DatasetException("Dataset '" + key + "' has no entries", key, 200, null);
		}
		List<EvalItem> items = new ArrayList<>();
		for (JsonNode entry : root.path("entries")) {
			JsonNode metadata = entry.get("metadata");
			items.add(new EvalItem(text(entry.get("input"), ""), text(entry.get("output"), null),
					text(entry.get("systemMessage"), null), null, null,
					(metadata != null && metadata.isObject()) ? mapper.treeToValue(metadata, MAP) : null));
		}
		JsonNode version = root.path("version").path("version");
		return new Dataset(key, text(root.path("dataset").get("name"), null),
				version.isInt() ? version.asInt() : null, items);
	}

	private static @Nullable String text(@Nullable JsonNode node, @Nullable String fallback) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return fallback;
		}
		return node.isString() ? node.asString() : node.toString();
	}

	/**
	 * Upload results.
	 * @param body the upload body
	 * @return the run id the app answered, or {@code null}
	 * @throws IOException if the app did not answer 2xx
	 * @throws InterruptedException if interrupted
	 */
	public @Nullable String upload(String body) throws IOException, InterruptedException {
		HttpResponse<String> response = this.httpClient.send(
				request(this.appUrl + "/api/sdk-evals")
					.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
					.build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		if (response.statusCode() / 100 != 2) {
			throw new IOException("Upload failed: HTTP " + response.statusCode());
		}
		try {
			JsonNode runId = mapper.readTree(response.body()).get("run_id");
			return (runId != null && !runId.isNull()) ? runId.asString() : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * Return the dashboard URL of a run.
	 * @param runId the run id
	 * @return {@code {app}/evals/{run_id}}
	 */
	public String dashboardUrl(String runId) {
		return this.appUrl + "/evals/" + runId;
	}

	private HttpRequest.Builder request(String url) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(this.timeout)
			.header("Authorization", "Bearer " + this.apiKey)
			.header("Content-Type", "application/json");
	}

	/**
	 * Build the upload body: {@code name, description, dataset_size, judge_model, results},
	 * snake_case, absent keys for unknown values (as the TypeScript SDK). Only the seven
	 * built-in scores have columns; {@code reasoning} carries every metric.
	 * @param name the run name
	 * @param description the description, or {@code null}
	 * @param judgeModel the judge model
	 * @param results the results, in upload order
	 * @return the JSON body
	 */
	public static String uploadBody(String name, @Nullable String description, String judgeModel,
			List<EvalResult> results) {
		ObjectNode body = mapper.createObjectNode();
		body.put("name", name);
		if (description != null) {
			body.put("description", description);
		}
		body.put("dataset_size", datasetSize(results));
		body.put("judge_model", judgeModel);
		ArrayNode array = body.putArray("results");
		for (EvalResult result : results) {
			ObjectNode row = array.addObject();
			row.put("input", result.input());
			putIfPresent(row, "system_message", result.systemMessage());
			putIfPresent(row, "expected_output", result.expectedOutput());
			if (result.context() != null) {
				row.set("context", mapper.valueToTree(result.context()));
			}
			if (result.metadata() != null) {
				row.set("metadata", mapper.valueToTree(result.metadata()));
			}
			row.put("model", result.model());
			if (result.output() != null) {
				row.put("output", result.output());
			}
			else {
				row.putNull("output");
			}
			row.put("is_production", result.production());
			for (String column : SCORE_COLUMNS) {
				Double score = result.scores().get(column);
				if (score != null) {
					row.put(column, score);
				}
			}
			if (!result.reasoning().isEmpty()) {
				row.set("reasoning", mapper.valueToTree(result.reasoning()));
			}
			if (result.latencyMs() != null) {
				row.put("latency_ms", result.latencyMs());
			}
			if (result.tokensIn() != null) {
				row.put("tokens_in", result.tokensIn());
			}
			if (result.tokensOut() != null) {
				row.put("tokens_out", result.tokensOut());
			}
			if (result.cost() != null) {
				row.put("cost", result.cost());
			}
		}
		return mapper.writeValueAsString(body);
	}

	private static void putIfPresent(ObjectNode row, String field, @Nullable String value) {
		if (value != null) {
			row.put(field, value);
		}
	}

	/**
	 * Count the distinct (input, system message) pairs, as the SDKs' {@code dataset_size}.
	 * @param results the results
	 * @return the count
	 */
	static int datasetSize(List<EvalResult> results) {
		Set<List<String>> pairs = new HashSet<>();
		for (EvalResult result : results) {
			pairs.add(List.of(result.input(), (result.systemMessage() != null) ? result.systemMessage() : ""));
		}
		return pairs.size();
	}

}
