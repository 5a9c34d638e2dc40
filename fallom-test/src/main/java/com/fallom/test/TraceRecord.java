package com.fallom.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON trace record the mock received on {@code POST /v1/traces}, one per call, as
 * today's Fallom SDKs send them, with typed access to its fields and to the raw request,
 * response, usage and timings, which travel as JSON strings under {@code attributes}.
 *
 * @param body the whole JSON body, as sent
 */
public record TraceRecord(Map<String, Object> body) {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** Attribute: the raw request, a JSON string. */
	public static final String RAW_REQUEST = "fallom.raw.request";

	/** Attribute: the raw response, a JSON string. */
	public static final String RAW_RESPONSE = "fallom.raw.response";

	/** Attribute: the raw usage, a JSON string. */
	public static final String RAW_USAGE = "fallom.raw.usage";

	/** Attribute: the raw timings, a JSON string. */
	public static final String RAW_TIMINGS = "fallom.raw.timings";

	/**
	 * Create a record, copying the body.
	 * @param body the JSON body
	 */
	public TraceRecord {
		body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
	}

	/**
	 * Return a top-level string field.
	 * @param field the field, e.g. {@code session_id}
	 * @return the value, or {@code null} when absent or not a string
	 */
	public @Nullable String string(String field) {
		return JsonValues.string(this.body.get(field));
	}

	public @Nullable String name() {
		return string("name");
	}

	public @Nullable String kind() {
		return string("kind");
	}

	public @Nullable String model() {
		return string("model");
	}

	public @Nullable String status() {
		return string("status");
	}

	public @Nullable String errorMessage() {
		return string("error_message");
	}

	public @Nullable String configKey() {
		return string("config_key");
	}

	public @Nullable String sessionId() {
		return string("session_id");
	}

	public @Nullable String customerId() {
		return string("customer_id");
	}

	public @Nullable String traceId() {
		return string("trace_id");
	}

	public @Nullable String spanId() {
		return string("span_id");
	}

	public @Nullable String parentSpanId() {
		return string("parent_span_id");
	}

	public @Nullable String startTime() {
		return string("start_time");
	}

	/**
	 * Return the duration.
	 * @return the milliseconds, or {@code -1} when absent
	 */
	public long durationMs() {
		return (this.body.get("duration_ms") instanceof Number number) ? number.longValue() : -1;
	}

	/**
	 * Whether the record says the call was streamed.
	 * @return whether {@code is_streaming} is {@code true}
	 */
	public boolean isStreaming() {
		return Boolean.TRUE.equals(this.body.get("is_streaming"));
	}

	/**
	 * Return the time to the first token of a stream.
	 * @return the milliseconds, or {@code null}
	 */
	public @Nullable Long timeToFirstTokenMs() {
		return (this.body.get("time_to_first_token_ms") instanceof Number number) ? number.longValue() : null;
	}

	/**
	 * Return the session metadata.
	 * @return the metadata, empty when absent
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> metadata() {
		return (this.body.get("metadata") instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	/**
	 * Return the session tags.
	 * @return the tags, empty when absent
	 */
	@SuppressWarnings("unchecked")
	public List<String> tags() {
		return (this.body.get("tags") instanceof List<?> list) ? (List<String>) list : List.of();
	}

	/**
	 * Return the attributes.
	 * @return the attributes, empty when absent
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> attributes() {
		return (this.body.get("attributes") instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	/**
	 * Return an attribute as a string.
	 * @param name the attribute
	 * @return the value, or {@code null}
	 */
	public @Nullable String attribute(String name) {
		return JsonValues.string(attributes().get(name));
	}

	/**
	 * Return the raw request, parsed.
	 * @return the request, or {@code null} when not sent
	 */
	public @Nullable Object rawRequest() {
		return raw(RAW_REQUEST);
	}

	/**
	 * Return the raw response, parsed.
	 * @return the response, or {@code null} when not sent
	 */
	public @Nullable Object rawResponse() {
		return raw(RAW_RESPONSE);
	}

	/**
	 * Return the raw usage, parsed.
	 * @return the usage, empty when not sent
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> rawUsage() {
		return (raw(RAW_USAGE) instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	/**
	 * Return the raw timings, parsed.
	 * @return the timings, empty when not sent
	 */
	@SuppressWarnings("unchecked")
	public Map<String, Object> rawTimings() {
		return (raw(RAW_TIMINGS) instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	/**
	 * Return a token count of the raw usage.
	 * @param name {@code prompt_tokens}, {@code completion_tokens} or {@code total_tokens}
	 * @return the count, or {@code null}
	 */
	public @Nullable Long tokens(String name) {
		return (rawUsage().get(name) instanceof Number number) ? number.longValue() : null;
	}

	/**
	 * Whether the record carries prompt or completion content: a raw request or response.
	 * @return whether content was sent
	 */
	public boolean hasContent() {
		return attributes().containsKey(RAW_REQUEST) || attributes().containsKey(RAW_RESPONSE);
	}

	/**
	 * Return the response text of a chat record.
	 * @return the text, or {@code null}
	 */
	public @Nullable String responseText() {
		return (rawResponse() instanceof Map<?, ?> map) ? JsonValues.string(map.get("text")) : null;
	}

	/**
	 * Return the messages of a chat record's raw request.
	 * @return the messages, empty when not sent
	 */
	@SuppressWarnings("unchecked")
	public List<Map<String, Object>> messages() {
		if (rawRequest() instanceof Map<?, ?> map && map.get("messages") instanceof List<?> list) {
			return (List<Map<String, Object>>) list;
		}
		return List.of();
	}

	private @Nullable Object raw(String name) {
		String json = attribute(name);
		if (json == null) {
			return null;
		}
		try {
			return mapper.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException(name + " is not JSON: " + json, ex);
		}
	}

}
