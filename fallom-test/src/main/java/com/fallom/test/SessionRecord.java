package com.fallom.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An assignment record the mock received on {@code POST /sessions}.
 *
 * @param configKey the config key, {@code null} when the body had none
 * @param configVersion the config version, {@code null} when the body had none
 * @param sessionId the session id, {@code null} when the body had none
 * @param assignedModel the assigned model, {@code null} when the body had none
 * @param body the whole JSON body, for fields this record does not name
 */
public record SessionRecord(@Nullable String configKey, @Nullable Integer configVersion, @Nullable String sessionId,
		@Nullable String assignedModel, Map<String, Object> body) {

	/**
	 * Create a record, copying the body.
	 * @param configKey the config key
	 * @param configVersion the config version
	 * @param sessionId the session id
	 * @param assignedModel the assigned model
	 * @param body the JSON body
	 */
	public SessionRecord {
		body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
	}

	static SessionRecord of(Map<String, Object> body) {
		return new SessionRecord(JsonValues.string(body.get("config_key")), JsonValues.integer(body.get("config_version")),
				JsonValues.string(body.get("session_id")), JsonValues.string(body.get("assigned_model")), body);
	}

}
