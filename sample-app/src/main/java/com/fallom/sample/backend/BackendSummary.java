package com.fallom.sample.backend;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.jspecify.annotations.Nullable;

/**
 * What the embedded mock backend has received: the numbers that show A/B testing and
 * tracing working end to end.
 *
 * @param baseUrl the base URL of the mock backend
 * @param configFetches the number of config sync requests
 * @param sessionsByModel the session records ({@code POST /sessions}) per assigned model
 * @param tracedCallsByModel the traced chat calls ({@code POST /v1/traces}, one trace
 * record each) per model asked for
 * @param tracedCallsByPrompt the traced chat calls per managed prompt, as
 * {@code key vN}
 * @param metrics the number of custom metric records ({@code POST /spans})
 * @param latestMetrics the last few custom metric records
 */
public record BackendSummary(String baseUrl, int configFetches, Map<String, Integer> sessionsByModel,
		Map<String, Integer> tracedCallsByModel, Map<String, Integer> tracedCallsByPrompt, int metrics, List<Map<String, Object>> latestMetrics) {

	private static final int LATEST = 10;

	/**
	 * Name a prompt version as the demo and the summary show it.
	 * @param promptKey the prompt key
	 * @param promptVersion the version, or {@code null}
	 * @return {@code key vN}
	 */
	public static String promptName(String promptKey, @Nullable Object promptVersion) {
		return promptKey + " v" + ((promptVersion != null) ? promptVersion : "?");
	}

	/**
	 * Summarize what a mock backend has received so far.
	 * @param server the mock backend
	 * @return the summary
	 */
	public static BackendSummary of(FallomMockServer server) {
		Map<String, Integer> sessions = new TreeMap<>();
		server.sessions().forEach((record) -> sessions.merge(String.valueOf(record.get("assigned_model")), 1, Integer::sum));
		Map<String, Integer> traced = new TreeMap<>();
		Map<String, Integer> tracedByPrompt = new TreeMap<>();
		for (TraceRecord record : server.traceRecords()) {
			if (!"llm".equals(record.kind())) {
				continue;
			}
			String model = requestedModel(record);
			if (model != null) {
				traced.merge(model, 1, Integer::sum);
			}
			String promptKey = record.string("prompt_key");
			if (promptKey != null) {
				tracedByPrompt.merge(promptName(promptKey, record.body().get("prompt_version")), 1, Integer::sum);
			}
		}
		List<Map<String, Object>> metrics = server.metrics();
		return new BackendSummary(server.baseUrl(), server.requestCount(Endpoint.CONFIGS), sessions, traced,
				tracedByPrompt,
				metrics.size(), metrics.subList(Math.max(0, metrics.size() - LATEST), metrics.size()));
	}

	/**
	 * The model a call asked for: the raw request's, sent with content capture on, else
	 * the record's model (the one that answered).
	 */
	private static @Nullable String requestedModel(TraceRecord record) {
		if (record.rawRequest() instanceof Map<?, ?> request && request.get("model") instanceof String model) {
			return model;
		}
		return record.model();
	}

}
