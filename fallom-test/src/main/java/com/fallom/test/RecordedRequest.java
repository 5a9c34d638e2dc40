package com.fallom.test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A request as {@link FallomMockServer} received it.
 *
 * @param method the HTTP method
 * @param path the request target as sent: raw path plus {@code ?query} when present
 * @param headers the request headers, names in lower case
 * @param body the request body, gzip already decoded when sent with
 * {@code Content-Encoding: gzip}
 * @param receivedAt when the request arrived
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body,
		Instant receivedAt) {

	/**
	 * Create a recorded request, copying the headers (with lower-case names) and the body.
	 * @param method the HTTP method
	 * @param path the request target
	 * @param headers the request headers
	 * @param body the request body
	 * @param receivedAt when the request arrived
	 */
	public RecordedRequest {
		Objects.requireNonNull(method, "method must not be null");
		Objects.requireNonNull(path, "path must not be null");
		Objects.requireNonNull(receivedAt, "receivedAt must not be null");
		headers = copyHeaders(headers);
		body = (body != null) ? body.clone() : new byte[0];
	}

	private static Map<String, List<String>> copyHeaders(Map<String, List<String>> headers) {
		Map<String, List<String>> copy = new TreeMap<>();
		if (headers != null) {
			headers.forEach((name, values) -> copy.computeIfAbsent(name.toLowerCase(Locale.ROOT), (key) -> new ArrayList<>())
				.addAll(values));
		}
		copy.replaceAll((name, values) -> List.copyOf(values));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * Return a copy of the request body.
	 * @return the body, gzip already decoded
	 */
	@Override
	public byte[] body() {
		return this.body.clone();
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the first value or {@code null} when the header is absent
	 */
	public String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Return the body decoded as UTF-8.
	 * @return the body as a string
	 */
	public String bodyAsString() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

	byte[] bodyUnsafe() {
		return this.body;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof RecordedRequest other && this.method.equals(other.method) && this.path.equals(other.path)
				&& this.headers.equals(other.headers) && Arrays.equals(this.body, other.body)
				&& this.receivedAt.equals(other.receivedAt);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.method, this.path, this.headers, Arrays.hashCode(this.body), this.receivedAt);
	}

	@Override
	public String toString() {
		// The body may be binary protobuf, so only its size is shown
		return "RecordedRequest[" + this.method + " " + this.path + ", headers=" + this.headers + ", body="
				+ this.body.length + " bytes, receivedAt=" + this.receivedAt + "]";
	}

}
