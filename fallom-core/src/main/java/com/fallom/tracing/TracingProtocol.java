package com.fallom.tracing;

import java.util.Locale;

/**
 * The wire format of the spans Fallom exports.
 */
public enum TracingProtocol {

	/**
	 * One JSON trace record per call, posted to {@code {traces}/v1/traces}, as today's
	 * Python and TypeScript SDKs send them: the default.
	 */
	RECORDS,

	/**
	 * OTLP/HTTP protobuf spans with {@code fallom.*} and {@code gen_ai.*} attributes, for
	 * teams that route through an OpenTelemetry collector.
	 */
	OTLP;

	/**
	 * Return the protocol of a setting's value, {@code records} or {@code otlp}, in any case.
	 * @param value the value
	 * @param setting the setting's name, for the message
	 * @return the protocol
	 * @throws IllegalArgumentException naming the setting when the value is neither
	 */
	public static TracingProtocol of(String value, String setting) {
		String name = (value != null) ? value.strip().toUpperCase(Locale.ROOT) : "";
		for (TracingProtocol protocol : values()) {
			if (protocol.name().equals(name)) {
				return protocol;
			}
		}
		throw new IllegalArgumentException(
				"'" + setting + "' must be 'records' or 'otlp', was '" + value + "'");
	}

}
