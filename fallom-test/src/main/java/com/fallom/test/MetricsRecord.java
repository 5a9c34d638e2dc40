package com.fallom.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Custom metrics the mock received on {@code POST /spans}.
 *
 * @param configKey the config key, {@code null} when the body had none
 * @param sessionId the session id, {@code null} when the body had none
 * @param data the metrics by name: numbers, booleans, strings, as sent
 * @param body the whole JSON body, for fields this record does not name
 */
public record MetricsRecord(@Nullable String configKey, @Nullable String sessionId, Map<String, Object> data,
		Map<String, Object> body) {

	/**
	 * Create a record, copying the maps.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param data the metrics by name
	 * @param body the JSON body
	 */
	public MetricsRecord {
		data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
		body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
	}

	/**
	 * Return a numeric metric.
	 * @param name the metric name
	 * @return the value, or {@code null} when there is no such metric or it is not a number
	 */
	public @Nullable Double number(String name) {
		return (this.data.get(name) instanceof Number number) ? number.doubleValue() : null;
	}

	/**
	 * Return a boolean metric.
	 * @param name the metric name
	 * @return the value, or {@code null} when there is no such metric or it is not a boolean
	 */
	public @Nullable Boolean bool(String name) {
		return (this.data.get(name) instanceof Boolean bool) ? bool : null;
	}

	@SuppressWarnings("unchecked")
	static MetricsRecord of(Map<String, Object> body) {
		Object data = body.get("data");
		return new MetricsRecord(JsonValues.string(body.get("config_key")), JsonValues.string(body.get("session_id")),
				(data instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of(), body);
	}

}
