package com.fallom.test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The evals part of the Fallom app that {@link FallomMockServer} plays:
 * {@code GET /api/datasets/{key}[?version=n]} serves the datasets put here, and
 * {@code POST /api/sdk-evals} records uploads and answers a run id. Point the evals' app
 * URL at {@link FallomMockServer#baseUrl()}. <pre class="code">
 * fallom.evals().putDataset("support-faq", "Support FAQ", 2, List.of(DatasetEntry.of("Q?", "A.")));
 * // run the eval ...
 * assertThat(fallom.evals().uploads()).singleElement().satisfies((upload) -> ...);
 * </pre> Thread-safe.
 */
public final class FallomMockEvals {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final Map<String, Map<Integer, StoredDataset>> datasets = new ConcurrentHashMap<>();

	private final Map<String, Integer> datasetStatus = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private final List<RecordedRequest> datasetRequests = new ArrayList<>();

	private final List<EvalUploadRecord> uploads = new ArrayList<>();

	private final AtomicInteger runNumber = new AtomicInteger();

	private volatile int uploadStatus = 200;

	FallomMockEvals() {
	}

	/**
	 * Serve a version of a dataset; the highest version is the latest.
	 * @param key the key
	 * @param name the dataset's name
	 * @param version the version
	 * @param entries the entries
	 * @return this
	 */
	public FallomMockEvals putDataset(String key, String name, int version, List<DatasetEntry> entries) {
		Objects.requireNonNull(key, "key must not be null");
		this.datasets.computeIfAbsent(key, (k) -> new ConcurrentHashMap<>())
			.put(version, new StoredDataset(name, List.copyOf(entries)));
		return this;
	}

	/**
	 * Answer every request for a dataset with a status, e.g. 403.
	 * @param key the key
	 * @param status the status
	 * @return this
	 */
	public FallomMockEvals datasetStatus(String key, int status) {
		this.datasetStatus.put(key, status);
		return this;
	}

	/**
	 * Answer uploads with a status; 200 (and a run id) by default.
	 * @param status the status
	 * @return this
	 */
	public FallomMockEvals uploadStatus(int status) {
		this.uploadStatus = status;
		return this;
	}

	/**
	 * Return the dataset requests received, authorized or not.
	 * @return the requests in arrival order
	 */
	public List<RecordedRequest> datasetRequests() {
		synchronized (this.lock) {
			return List.copyOf(this.datasetRequests);
		}
	}

	/**
	 * Return the uploads accepted.
	 * @return the uploads in arrival order
	 */
	public List<EvalUploadRecord> uploads() {
		synchronized (this.lock) {
			return List.copyOf(this.uploads);
		}
	}

	/**
	 * Forget recorded requests and uploads; datasets stay.
	 */
	public void reset() {
		synchronized (this.lock) {
			this.datasetRequests.clear();
			this.uploads.clear();
		}
	}

	static boolean handles(String rawPath) {
		return rawPath.startsWith("/api/datasets/") || rawPath.equals("/api/sdk-evals");
	}

	void serve(HttpExchange exchange, RecordedRequest request, String rawPath, byte[] body, boolean authorized)
			throws IOException {
		boolean dataset = rawPath.startsWith("/api/datasets/");
		if (dataset) {
			synchronized (this.lock) {
				this.datasetRequests.add(request);
			}
		}
		if (!authorized) {
			send(exchange, 401, "{\"error\":\"Invalid or missing API key\"}");
			return;
		}
		String method = exchange.getRequestMethod();
		if (!method.equals(dataset ? "GET" : "POST")) {
			exchange.getResponseHeaders().set("Allow", dataset ? "GET" : "POST");
			send(exchange, 405, "{\"error\":\"Method not allowed\"}");
			return;
		}
		if (dataset) {
			serveDataset(exchange, rawPath);
		}
		else {
			acceptUpload(exchange, body);
		}
	}

	private void serveDataset(HttpExchange exchange, String rawPath) throws IOException {
		String encoded = rawPath.substring("/api/datasets/".length());
		String key = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
		Integer status = this.datasetStatus.get(key);
		if (status != null) {
			send(exchange, status, "{\"error\":\"Injected status " + status + "\"}");
			return;
		}
		Map<Integer, StoredDataset> versions = this.datasets.get(key);
		if (versions == null || versions.isEmpty()) {
			send(exchange, 404, "{\"error\":\"Dataset not found\"}");
			return;
		}
		String query = exchange.getRequestURI().getRawQuery();
		Integer version = null;
		if (query != null) {
			for (String pair : query.split("&")) {
				if (pair.startsWith("version=")) {
					try {
						version = Integer.valueOf(pair.substring("version=".length()));
					}
					catch (NumberFormatException ex) {
						send(exchange, 400, "{\"error\":\"Bad version\"}");
						return;
					}
				}
			}
		}
		int served = (version != null) ? version : Collections.max(versions.keySet());
		StoredDataset stored = versions.get(served);
		if (stored == null) {
			send(exchange, 404, "{\"error\":\"Version not found\"}");
			return;
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("dataset", Map.of("id", "ds_" + key, "key", key, "name", stored.name()));
		answer.put("version", Map.of("id", "ds_" + key + "_v" + served, "version", served, "entryCount",
				stored.entries().size()));
		List<Map<String, Object>> entries = new ArrayList<>();
		for (int i = 0; i < stored.entries().size(); i++) {
			DatasetEntry entry = stored.entries().get(i);
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("id", "ent_" + (i + 1));
			json.put("input", entry.input());
			json.put("output", entry.output());
			if (entry.systemMessage() != null) {
				json.put("systemMessage", entry.systemMessage());
			}
			if (entry.metadata() != null) {
				json.put("metadata", entry.metadata());
			}
			entries.add(json);
		}
		answer.put("entries", entries);
		send(exchange, 200, mapper.writeValueAsString(answer));
	}

	private void acceptUpload(HttpExchange exchange, byte[] body) throws IOException {
		int status = this.uploadStatus;
		if (status / 100 != 2) {
			send(exchange, status, "{\"error\":\"Injected status " + status + "\"}");
			return;
		}
		Map<String, Object> json;
		try {
			json = mapper.readValue(body, MAP);
		}
		catch (JacksonException ex) {
			send(exchange, 400, "{\"error\":\"Body must be a JSON object\"}");
			return;
		}
		String runId = "run_" + this.runNumber.incrementAndGet();
		synchronized (this.lock) {
			this.uploads.add(new EvalUploadRecord(runId, Collections.unmodifiableMap(json)));
		}
		send(exchange, 200, "{\"run_id\":\"" + runId + "\"}");
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private record StoredDataset(String name, List<DatasetEntry> entries) {

	}

	/**
	 * One entry of a dataset.
	 *
	 * @param input the input
	 * @param output the output
	 * @param systemMessage the system message, or {@code null}
	 * @param metadata the metadata, or {@code null}
	 */
	public record DatasetEntry(String input, String output, @Nullable String systemMessage,
			@Nullable Map<String, Object> metadata) {

		/**
		 * Create an entry without system message and metadata.
		 * @param input the input
		 * @param output the output
		 * @return the entry
		 */
		public static DatasetEntry of(String input, String output) {
			return new DatasetEntry(input, output, null, null);
		}

	}

}
