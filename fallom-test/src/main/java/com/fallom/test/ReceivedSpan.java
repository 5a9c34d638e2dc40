package com.fallom.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A span received on {@code /v1/traces}, in plain Java types for easy assertions.
 * <p>
 * Attribute values are {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code byte[]}, or a {@code List} / {@code Map} of those for array and key-value-list
 * values.
 *
 * @param name the span name
 * @param kind the span kind without its prefix: {@code INTERNAL}, {@code SERVER},
 * {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER} or {@code UNSPECIFIED}
 * @param traceId the trace id in lower-case hex
 * @param spanId the span id in lower-case hex
 * @param parentSpanId the parent span id in lower-case hex, empty for a root span
 * @param attributes the span attributes in the order sent
 * @param statusCode the status code without its prefix: {@code UNSET}, {@code OK} or
 * {@code ERROR}
 * @param statusMessage the status message, empty when none
 * @param startEpochNanos the start time in nanoseconds since the epoch
 * @param endEpochNanos the end time in nanoseconds since the epoch
 * @param scopeName the name of the instrumentation scope, empty when none
 * @param resourceAttributes the attributes of the resource that sent the span
 */
public record ReceivedSpan(String name, String kind, String traceId, String spanId, String parentSpanId,
		Map<String, Object> attributes, String statusCode, String statusMessage, long startEpochNanos,
		long endEpochNanos, String scopeName, Map<String, Object> resourceAttributes) {

	private static final HexFormat HEX = HexFormat.of();

	/**
	 * Create a received span, copying the attribute maps.
	 * @param name the span name
	 * @param kind the span kind
	 * @param traceId the trace id in hex
	 * @param spanId the span id in hex
	 * @param parentSpanId the parent span id in hex, empty for a root span
	 * @param attributes the span attributes
	 * @param statusCode the status code
	 * @param statusMessage the status message
	 * @param startEpochNanos the start time in nanoseconds since the epoch
	 * @param endEpochNanos the end time in nanoseconds since the epoch
	 * @param scopeName the name of the instrumentation scope
	 * @param resourceAttributes the resource attributes
	 */
	public ReceivedSpan {
		attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
		resourceAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(resourceAttributes));
	}

	/**
	 * Return an attribute in string form.
	 * @param key the attribute key
	 * @return the value as a string or {@code null} when the span has no such attribute
	 */
	public String attribute(String key) {
		Object value = this.attributes.get(key);
		if (value == null) {
			return null;
		}
		return (value instanceof byte[] bytes) ? HEX.formatHex(bytes) : String.valueOf(value);
	}

	/**
	 * Return whether the span has no parent.
	 * @return whether this is a root span
	 */
	public boolean isRoot() {
		return this.parentSpanId.isEmpty();
	}

	/**
	 * Return the time between the span's start and end.
	 * @return the span duration
	 */
	public Duration duration() {
		return Duration.ofNanos(this.endEpochNanos - this.startEpochNanos);
	}

	static ReceivedSpan of(Resource resource, String scopeName, Span span) {
		return new ReceivedSpan(span.getName(), enumName(span.getKind(), "SPAN_KIND_"), hex(span.getTraceId()),
				hex(span.getSpanId()), hex(span.getParentSpanId()), toMap(span.getAttributesList()),
				enumName(span.getStatus().getCode(), "STATUS_CODE_"), span.getStatus().getMessage(),
				span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), scopeName, toMap(resource.getAttributesList()));
	}

	private static String enumName(Enum<?> value, String prefix) {
		String name = value.name();
		return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
	}

	private static String hex(ByteString bytes) {
		return HEX.formatHex(bytes.toByteArray());
	}

	private static Map<String, Object> toMap(List<KeyValue> keyValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (KeyValue keyValue : keyValues) {
			map.put(keyValue.getKey(), toJava(keyValue.getValue()));
		}
		return map;
	}

	private static Object toJava(AnyValue value) {
		return switch (value.getValueCase()) {
			case STRING_VALUE -> value.getStringValue();
			case BOOL_VALUE -> value.getBoolValue();
			case INT_VALUE -> value.getIntValue();
			case DOUBLE_VALUE -> value.getDoubleValue();
			case BYTES_VALUE -> value.getBytesValue().toByteArray();
			case ARRAY_VALUE -> {
				List<Object> list = new ArrayList<>();
				value.getArrayValue().getValuesList().forEach((element) -> list.add(toJava(element)));
				yield Collections.unmodifiableList(list);
			}
			case KVLIST_VALUE -> Collections.unmodifiableMap(toMap(value.getKvlistValue().getValuesList()));
			default -> null;
		};
	}

}
