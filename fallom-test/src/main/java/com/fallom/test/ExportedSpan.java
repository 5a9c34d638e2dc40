package com.fallom.test;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A span the mock received on {@code /v1/traces}, with typed access to its attributes.
 * <p>
 * Attribute values are {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code byte[]}, or a {@code List} / {@code Map} of those, as OTLP sent them; the typed
 * accessors return {@code null} when the attribute is absent or of another type.
 *
 * @param name the span name
 * @param kind the span kind without its prefix, e.g. {@code CLIENT}
 * @param traceId the trace id in lower-case hex
 * @param spanId the span id in lower-case hex
 * @param parentSpanId the parent span id in lower-case hex, empty for a root span
 * @param attributes the span attributes in the order sent
 * @param statusCode the status code without its prefix: {@code UNSET}, {@code OK} or
 * {@code ERROR}
 * @param statusMessage the status message, empty when none
 * @param duration the time between the span's start and end
 * @param scopeName the name of the instrumentation scope, empty when none
 * @param resourceAttributes the attributes of the resource that sent the span
 */
public record ExportedSpan(String name, String kind, String traceId, String spanId, String parentSpanId,
		Map<String, Object> attributes, String statusCode, String statusMessage, Duration duration, String scopeName,
		Map<String, Object> resourceAttributes) {

	/** The attribute of the session id. */
	public static final String SESSION_ID = "fallom.session_id";

	/** The attribute of the config key. */
	public static final String CONFIG_KEY = "fallom.config_key";

	/**
	 * Create a span, copying the attribute maps.
	 * @param name the span name
	 * @param kind the span kind
	 * @param traceId the trace id
	 * @param spanId the span id
	 * @param parentSpanId the parent span id
	 * @param attributes the attributes
	 * @param statusCode the status code
	 * @param statusMessage the status message
	 * @param duration the duration
	 * @param scopeName the scope name
	 * @param resourceAttributes the resource attributes
	 */
	public ExportedSpan {
		attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
		resourceAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(resourceAttributes));
	}

	static ExportedSpan of(ReceivedSpan span) {
		return new ExportedSpan(span.name(), span.kind(), span.traceId(), span.spanId(), span.parentSpanId(),
				span.attributes(), span.statusCode(), span.statusMessage(), span.duration(), span.scopeName(),
				span.resourceAttributes());
	}

	/**
	 * Return whether the span has an attribute.
	 * @param key the attribute key
	 * @return whether it has the attribute, whatever its type
	 */
	public boolean hasAttribute(String key) {
		return this.attributes.containsKey(key);
	}

	/**
	 * Return a string attribute.
	 * @param key the attribute key
	 * @return the value, or {@code null}
	 */
	public @Nullable String stringAttribute(String key) {
		return (this.attributes.get(key) instanceof String value) ? value : null;
	}

	/**
	 * Return an integer attribute.
	 * @param key the attribute key
	 * @return the value, or {@code null}
	 */
	public @Nullable Long longAttribute(String key) {
		return (this.attributes.get(key) instanceof Long value) ? value : null;
	}

	/**
	 * Return a floating-point attribute.
	 * @param key the attribute key
	 * @return the value, or {@code null}
	 */
	public @Nullable Double doubleAttribute(String key) {
		return (this.attributes.get(key) instanceof Double value) ? value : null;
	}

	/**
	 * Return a boolean attribute.
	 * @param key the attribute key
	 * @return the value, or {@code null}
	 */
	public @Nullable Boolean booleanAttribute(String key) {
		return (this.attributes.get(key) instanceof Boolean value) ? value : null;
	}

	/**
	 * Return an array attribute.
	 * @param key the attribute key
	 * @return the elements, or {@code null}
	 */
	public @Nullable List<Object> arrayAttribute(String key) {
		if (this.attributes.get(key) instanceof List<?> list) {
			return Collections.unmodifiableList(list);
		}
		return null;
	}

	/**
	 * Return the Fallom session id the span carries.
	 * @return the session id, or {@code null}
	 */
	public @Nullable String sessionId() {
		return stringAttribute(SESSION_ID);
	}

	/**
	 * Return the Fallom config key the span carries.
	 * @return the config key, or {@code null}
	 */
	public @Nullable String configKey() {
		return stringAttribute(CONFIG_KEY);
	}

	/**
	 * Return whether this is the span of a chat call to a model: it names the requested
	 * model ({@code gen_ai.request.model}).
	 * @return whether it is a chat span
	 */
	public boolean isChat() {
		return hasAttribute("gen_ai.request.model");
	}

	/**
	 * Return whether the span carries prompt or completion text
	 * ({@code gen_ai.prompt.*}, {@code gen_ai.completion.*}).
	 * @return whether it carries content
	 */
	public boolean hasContent() {
		return this.attributes.keySet()
			.stream()
			.anyMatch((key) -> key.startsWith("gen_ai.prompt.") || key.startsWith("gen_ai.completion."));
	}

	/**
	 * Return whether the span has no parent.
	 * @return whether this is a root span
	 */
	public boolean isRoot() {
		return this.parentSpanId.isEmpty();
	}

}
