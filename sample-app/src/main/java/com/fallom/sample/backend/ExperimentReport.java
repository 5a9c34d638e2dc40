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
import com.fallom.test.ReceivedSpan;
import org.jspecify.annotations.Nullable;

/**
 * The experiment as the embedded backend saw it: for each model config and each prompt
 * A/B test, each variant's sessions, calls, share, tokens, latency, errors and the mean
 * of each custom metric. The sample's {@code /} page draws it.
 * <p>
 * A config's variant is the model a session was assigned ({@code POST /sessions}); its
 * calls are the chat spans ({@code POST /v1/traces}) tagged with the config key, counted
 * for the session's assigned model (the span's requested model when the session was
 * never recorded). A prompt test's variant is the {@value #PROMPT_VARIANT} attribute of
 * the spans tagged {@value #PROMPT_AB_TEST}; its sessions are the distinct session ids of
 * those spans. Custom metrics ({@code POST /spans}) count for the variant of their
 * session: per session the latest value of a field wins, as on Fallom's backend, and the
 * mean is over the sessions that sent the field. Booleans count as 1 and 0.
 *
 * @param baseUrl the base URL of the mock backend
 * @param metricNames the custom metric fields seen, sorted
 * @param configs the model configs, by key
 * @param promptTests the prompt A/B tests, by key
 */
public record ExperimentReport(String baseUrl, List<String> metricNames, List<Experiment> configs,
		List<Experiment> promptTests) {

	/** The span attribute of the config key. */
	public static final String CONFIG_KEY = "fallom.config_key";

	/** The span attribute of the session id. */
	public static final String SESSION_ID = "fallom.session_id";

	/** The span attribute of a prompt A/B test's key. */
	public static final String PROMPT_AB_TEST = "fallom.prompt_ab_test";

	/** The span attribute of a prompt A/B test's variant index. */
	public static final String PROMPT_VARIANT = "fallom.prompt_variant";

	/** The span attribute of the managed prompt's key. */
	public static final String PROMPT_KEY = "fallom.prompt_key";

	/** The span attribute of the managed prompt's version. */
	public static final String PROMPT_VERSION = "fallom.prompt_version";

	private static final String REQUEST_MODEL = "gen_ai.request.model";

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
	 * @param errors the calls whose span status is {@code ERROR}
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
		return of(server.baseUrl(), server.sessions(), server.receivedSpans(), server.metrics());
	}

	/**
	 * Compute the report from received records.
	 * @param baseUrl the backend's base URL
	 * @param sessionRecords the bodies of {@code POST /sessions}
	 * @param spans the spans of {@code POST /v1/traces}
	 * @param metricRecords the bodies of {@code POST /spans}
	 * @return the report
	 */
	static ExperimentReport of(String baseUrl, List<Map<String, Object>> sessionRecords, List<ReceivedSpan> spans,
			List<Map<String, Object>> metricRecords) {
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
				configs(sessionRecords, spans, metricsByConfigAndSession), promptTests(spans, metricsBySession));
	}

	private static List<Experiment> configs(List<Map<String, Object>> sessionRecords, List<ReceivedSpan> spans,
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
		for (ReceivedSpan span : spans) {
			String configKey = span.attribute(CONFIG_KEY);
			String requested = span.attribute(REQUEST_MODEL);
			if (configKey == null || requested == null) {
				continue;
			}
			String sessionId = span.attribute(SESSION_ID);
			String assigned = (sessionId != null) ? assignments.getOrDefault(configKey, Map.of()).get(sessionId)
					: null;
			tallies.computeIfAbsent(configKey, (key) -> new TreeMap<>())
				.computeIfAbsent((assigned != null) ? assigned : requested, (key) -> new Tally())
				.add(span);
		}
		List<Experiment> experiments = new ArrayList<>();
		tallies.forEach((configKey, variants) -> experiments
			.add(experiment(configKey, variants, metrics.getOrDefault(configKey, Map.of()))));
		return experiments;
	}

	private static List<Experiment> promptTests(List<ReceivedSpan> spans, Map<String, Map<String, Double>> metrics) {
		Map<String, Map<String, Tally>> tallies = new TreeMap<>();
		for (ReceivedSpan span : spans) {
			String test = span.attribute(PROMPT_AB_TEST);
			String variant = span.attribute(PROMPT_VARIANT);
			if (test == null || variant == null) {
				continue;
			}
			Tally tally = tallies.computeIfAbsent(test, (key) -> new TreeMap<>())
				.computeIfAbsent(promptVariantName(variant, span), (key) -> new Tally());
			tally.add(span);
			String sessionId = span.attribute(SESSION_ID);
			if (sessionId != null) {
				tally.sessions.add(sessionId);
			}
		}
		List<Experiment> experiments = new ArrayList<>();
		tallies.forEach((test, variants) -> experiments.add(experiment(test, variants, metrics)));
		return experiments;
	}

	private static String promptVariantName(String index, ReceivedSpan span) {
		String promptKey = span.attribute(PROMPT_KEY);
		if (promptKey == null) {
			return "#" + index;
		}
		String version = span.attribute(PROMPT_VERSION);
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

	private static long longAttribute(ReceivedSpan span, String key, String olderKey) {
		Object value = span.attributes().get(key);
		if (value == null) {
			value = span.attributes().get(olderKey);
		}
		return (value instanceof Number number) ? number.longValue() : 0;
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

		void add(ReceivedSpan span) {
			this.durationsMs.add(span.duration().toNanos() / 1_000_000.0);
			this.inputTokens += longAttribute(span, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens");
			this.outputTokens += longAttribute(span, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens");
			if ("ERROR".equals(span.statusCode())) {
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
