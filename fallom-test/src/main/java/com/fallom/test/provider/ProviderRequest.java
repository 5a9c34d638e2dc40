package com.fallom.test.provider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * A request as {@link MockProviderServer} received it, for assertions on what a provider
 * client sent: the path, the headers (API key, version), and the JSON body (model,
 * messages, tools, stream options).
 */
public final class ProviderRequest {

	private final @Nullable ProviderApi api;

	private final String method;

	private final String path;

	private final Map<String, List<String>> headers;

	private final byte[] body;

	private final JsonNode json;

	private final Instant receivedAt;

	ProviderRequest(@Nullable ProviderApi api, String method, String path, Map<String, List<String>> headers, byte[] body,
			Instant receivedAt) {
		this.api = api;
		this.method = Objects.requireNonNull(method, "method must not be null");
		this.path = Objects.requireNonNull(path, "path must not be null");
		this.headers = copyHeaders(headers);
		this.body = body.clone();
		this.json = parse(this.body);
		this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt must not be null");
	}

	private static Map<String, List<String>> copyHeaders(Map<String, List<String>> headers) {
		Map<String, List<String>> copy = new TreeMap<>();
		headers.forEach((name, values) -> copy.computeIfAbsent(name.toLowerCase(Locale.ROOT), (key) -> new ArrayList<>())
			.addAll(values));
		copy.replaceAll((name, values) -> List.copyOf(values));
		return Collections.unmodifiableMap(copy);
	}

	private static JsonNode parse(byte[] body) {
		try {
			JsonNode node = JsonMapper.shared().readTree(body);
			return (node != null) ? node : MissingNode.getInstance();
		}
		catch (JacksonException ex) {
			return MissingNode.getInstance();
		}
	}

	/**
	 * Return the API the request was sent to.
	 * @return the API, or {@code null} for an unknown path
	 */
	public @Nullable ProviderApi api() {
		return this.api;
	}

	/**
	 * Return the HTTP method.
	 * @return the method
	 */
	public String method() {
		return this.method;
	}

	/**
	 * Return the request target as sent: raw path plus {@code ?query} when present.
	 * @return the path
	 */
	public String path() {
		return this.path;
	}

	/**
	 * Return the request headers.
	 * @return the headers, names in lower case
	 */
	public Map<String, List<String>> headers() {
		return this.headers;
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the first value or {@code null} when the header is absent
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Return a copy of the body.
	 * @return the body
	 */
	public byte[] body() {
		return this.body.clone();
	}

	/**
	 * Return the body decoded as UTF-8.
	 * @return the body as a string
	 */
	public String bodyAsString() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	/**
	 * Return the body as JSON.
	 * @return the parsed body, a missing node when the body is not JSON
	 */
	public JsonNode json() {
		return this.json;
	}

	/**
	 * Return the model the request asked for.
	 * @return the model, or {@code null} when the body names none
	 */
	public @Nullable String model() {
		JsonNode model = this.json.path("model");
		return model.isString() ? model.asString() : null;
	}

	/**
	 * Return whether the request asked for a server-sent event stream.
	 * @return whether {@code "stream": true}
	 */
	public boolean isStreaming() {
		return this.json.path("stream").asBoolean(false);
	}

	/**
	 * Return whether the request carries the result of a tool call: a message with role
	 * {@code tool} (OpenAI) or a {@code tool_result} content block (Anthropic).
	 * @return whether a tool result is in the messages
	 */
	public boolean hasToolResult() {
		for (JsonNode message : this.json.path("messages")) {
			if ("tool".equals(message.path("role").asString(""))) {
				return true;
			}
			for (JsonNode block : message.path("content")) {
				if ("tool_result".equals(block.path("type").asString(""))) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Return when the request arrived.
	 * @return the arrival time
	 */
	public Instant receivedAt() {
		return this.receivedAt;
	}

	@Override
	public String toString() {
		return "ProviderRequest[" + this.method + " " + this.path + ", model=" + model() + ", stream=" + isStreaming()
				+ ", body=" + this.body.length + " bytes]";
	}

}
