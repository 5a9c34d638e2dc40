package com.fallom.sample.backend;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.jspecify.annotations.Nullable;

/**
 * The experiment as the embedded backend saw it: for each model config and each prompt
 * A/B test, each variant's sessions, calls, share, tokens, latency, errors and the mean
 * of each custom metric. The sample's {@code /} page draws it.
 * <p>
 * A config's variant is the model a session was assigned ({@code POST /sessions}); its
 * calls are the chat trace records ({@code POST /v1/traces}, kind {@code llm}) of the
 * config key, counted for the session's assigned model (the record's model when the
 * session was never recorded). A prompt test's variant is the
 * {@code prompt_variant_index} of the records with a {@code prompt_ab_test_key}; its
 * sessions are the distinct session ids of those records. Custom metrics
 * ({@code POST /spans}) count for the variant of their session: per session the latest
 * value of a field wins, as on Fallom's backend, and the mean is over the sessions that
 * sent the field. Booleans count as 1 and 0.
 *
 * @param baseUrl the base URL of the mock backend
 * @param metricNames the custom metric fields seen, sorted
 * @param configs the model configs, by key
 * @param promptTests the prompt A/B tests, by key
 */
public record ExperimentReport(String baseUrl, List<String> metricNames, List<Experiment> configs,
		List<Experiment> promptTests) {

	/**
	 * One experiment: a model config or a prompt A/B test.
	 *
	 * @param key the config key or prompt test key
	 * @param sessions the sessions of every variant
	 * @param calls the calls of every variant
	 * @param variants the variants, sorted by name
	 */
	public record Experiment(String key, int sessions, int calls, List<Variant> variants) {
	}

	/**
	 * One variant of an experiment.
	 *
	 * @param name the model, or the prompt test's variant index with its prompt
	 * @param sessions the distinct sessions
	 * @param calls the traced calls
	 * @param share the variant's share of the experiment's sessions, 0 to 1
	 * @param inputTokens the input tokens of every call
	 * @param outputTokens the output tokens of every call
	 * @param latencyP50Ms the median call duration in milliseconds, {@code null} with no
	 * calls
	 * @param latencyP95Ms the 95th percentile call duration in milliseconds (nearest rank),
	 * {@code null} with no calls
	 * @param errors the calls whose record status is {@code ERROR}
	 * @param metricMeans the mean of each custom metric over the sessions that sent it
	 */
	public record Variant(String name, int sessions, int calls, double share, long inputTokens, long outputTokens,
			@Nullable Double latencyP50Ms, @Nullable Double latencyP95Ms, int errors,
			Map<String, Double> metricMeans) {
	}

	/**
	 * Compute the report from what a mock backend has received so far.
	 * @param server the mock backend
	 * @return the report
	 */
	public static ExperimentReport of(FallomMockServer server) {
		return of(server.baseUrl(), server.sessions(), server.traceRecords(), server.metrics());
	}

	/**
	 * Compute the report from received records.
	 * @param baseUrl the backend's base URL
	 * @param sessionRecords the bodies of {@code POST /sessions}
	 * @param records the trace records of {@code POST /v1/traces}
	 * @param metricRecords the bodies of {@code POST /spans}
	 * @return the report
	 */
	static ExperimentReport of(String baseUrl, List<Map<String, Object>> sessionRecords, List<TraceRecord> records,
			List<Map<String, Object>> metricRecords) {
		List<TraceRecord> calls = records.stream().filter((record) -> "llm".equals(record.kind())).toList();
		// Per session, the latest value of each numeric or boolean field wins
		Map<String, Map<String, Map<String, Double>>> metricsByConfigAndSession = new HashMap<>();
		Map<String, Map<String, Double>> metricsBySession = new HashMap<>();
		Set<String> metricNames = new TreeSet<>();
		for (Map<String, Object> record : metricRecords) {
			String configKey = string(record.get("config_key"));
			String sessionId = string(record.get("session_id"));
			if (sessionId == null || !(record.get("data") instanceof Map<?, ?> data)) {
				continue;
			}
			data.forEach((name, value) -> {
				Double number = number(value);
				if (number != null) {
					String field = String.valueOf(name);
					metricNames.add(field);
					if (configKey != null) {
						metricsByConfigAndSession.computeIfAbsent(configKey, (key) -> new HashMap<>())
							.computeIfAbsent(sessionId, (key) -> new HashMap<>())
							.put(field, number);
					}
					metricsBySession.computeIfAbsent(sessionId, (key) -> new HashMap<>()).put(field, number);
				}
			});
		}
		return new ExperimentReport(baseUrl, List.copyOf(metricNames),
				configs(sessionRecords, calls, metricsByConfigAndSession), promptTests(calls, metricsBySession));
	}

	private static List<Experiment> configs(List<Map<String, Object>> sessionRecords, List<TraceRecord> calls,
			Map<String, Map<String, Map<String, Double>>> metrics) {
		// config key -> session id -> assigned model, latest record wins
		Map<String, Map<String, String>> assignments = new TreeMap<>();
		for (Map<String, Object> record : sessionRecords) {
			String configKey = string(record.get("config_key"));
			String sessionId = string(record.get("session_id"));
			String model = string(record.get("assigned_model"));
			if (configKey != null && sessionId != null && model != null) {
				assignments.computeIfAbsent(configKey, (key) -> new LinkedHashMap<>()).put(sessionId, model);
			}
		}
		Map<String, Map<String, Tally>> tallies = new TreeMap<>();
		assignments.forEach((configKey, sessions) -> sessions.forEach((sessionId, model) -> tallies
			.computeIfAbsent(configKey, (key) -> new TreeMap<>())
			.computeIfAbsent(model, (key) -> new Tally())
			.sessions
			.add(sessionId)));
		for (TraceRecord call : calls) {
			String configKey = call.configKey();
			String model = call.model();
			if (configKey == null || model == null) {
				continue;
			}
			String sessionId = call.sessionId();
			String assigned = (sessionId != null) ? assignments.getOrDefault(configKey, Map.of()).get(sessionId)
					: null;
			tallies.computeIfAbsent(configKey, (key) -> new TreeMap<>())
				.computeIfAbsent((assigned != null) ? assigned : model, (key) -> new Tally())
				.add(call);
		}
		List<Experiment> experiments = new ArrayList<>();
		tallies.forEach((configKey, variants) -> experiments
			.add(experiment(configKey, variants, metrics.getOrDefault(configKey, Map.of()))));
		return experiments;
	}

	private static List<Experiment> promptTests(List<TraceRecord> calls, Map<String, Map<String, Double>> metrics) {
		Map<String, Map<String, Tally>> tallies = new TreeMap<>();
		for (TraceRecord call : calls) {
			String test = call.string("prompt_ab_test_key");
			Object variant = call.body().get("prompt_variant_index");
			if (test == null || variant == null) {
				continue;
			}
			Tally tally = tallies.computeIfAbsent(test, (key) -> new TreeMap<>())
				.computeIfAbsent(promptVariantName(String.valueOf(variant), call), (key) -> new Tally());
			tally.add(call);
			String sessionId = call.sessionId();
			if (sessionId != null) {
				tally.sessions.add(sessionId);
			}
		}
		List<Experiment> experiments = new ArrayList<>();
		tallies.forEach((test, variants) -> experiments.add(experiment(test, variants, metrics)));
		return experiments;
	}

	private static String promptVariantName(String index, TraceRecord call) {
		String promptKey = call.string("prompt_key");
		if (promptKey == null) {
			return "#" + index;
		}
		Object version = call.body().get("prompt_version");
		return "#" + index + " " + promptKey + ((version != null) ? " v" + version : "");
	}

	private static Experiment experiment(String key, Map<String, Tally> tallies,
			Map<String, Map<String, Double>> metricsBySession) {
		int sessions = tallies.values().stream().mapToInt((tally) -> tally.sessions.size()).sum();
		int calls = tallies.values().stream().mapToInt((tally) -> tally.durationsMs.size()).sum();
		List<Variant> variants = new ArrayList<>();
		tallies.forEach((name, tally) -> variants.add(tally.toVariant(name, sessions, metricsBySession)));
		return new Experiment(key, sessions, calls, List.copyOf(variants));
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value != null) ? String.valueOf(value) : null;
	}

	private static @Nullable Double number(@Nullable Object value) {
		if (value instanceof Boolean bool) {
			return bool ? 1.0 : 0.0;
		}
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		return null;
	}

	/**
	 * The nearest-rank percentile of sorted values.
	 */
	static @Nullable Double percentile(List<Double> sorted, int percent) {
		if (sorted.isEmpty()) {
			return null;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

	private static final class Tally {

		private final Set<String> sessions = new LinkedHashSet<>();

		private final List<Double> durationsMs = new ArrayList<>();

		private long inputTokens;

		private long outputTokens;

		private int errors;

		void add(TraceRecord call) {
			this.durationsMs.add((double) Math.max(0, call.durationMs()));
			Long input = call.tokens("prompt_tokens");
			Long output = call.tokens("completion_tokens");
			this.inputTokens += (input != null) ? input : 0;
			this.outputTokens += (output != null) ? output : 0;
			if ("ERROR".equals(call.status())) {
				this.errors++;
			}
		}

		Variant toVariant(String name, int experimentSessions, Map<String, Map<String, Double>> metricsBySession) {
			List<Double> sorted = this.durationsMs.stream().sorted().toList();
			return new Variant(name, this.sessions.size(), this.durationsMs.size(),
					(experimentSessions > 0) ? (double) this.sessions.size() / experimentSessions : 0,
					this.inputTokens, this.outputTokens, percentile(sorted, 50), percentile(sorted, 95), this.errors,
					means(this.sessions, metricsBySession));
		}

		private static Map<String, Double> means(Collection<String> sessions,
				Map<String, Map<String, Double>> metricsBySession) {
			Map<String, double[]> sums = new TreeMap<>();
			for (String session : sessions) {
				metricsBySession.getOrDefault(session, Map.of()).forEach((field, value) -> {
					double[] sum = sums.computeIfAbsent(field, (key) -> new double[2]);
					sum[0] += value;
					sum[1]++;
				});
			}
			Map<String, Double> means = new LinkedHashMap<>();
			sums.forEach((field, sum) -> means.put(field, sum[0] / sum[1]));
			return means;
		}

	}

}
