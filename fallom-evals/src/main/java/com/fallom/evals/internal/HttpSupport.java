package com.fallom.evals.internal;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fallom.evals.EvalHttpException;
import org.jspecify.annotations.Nullable;

/**
 * HTTP helpers shared by the evals clients.
 */
public final class HttpSupport {

	private HttpSupport() {
	}

	/**
	 * Return the URL without trailing slashes.
	 * @param url the URL
	 * @return the URL
	 */
	public static String stripTrailingSlash(String url) {
		String result = url;
		while (result.endsWith("/")) {
			result = result.substring(0, result.length() - 1);
		}
		return result;
	}

	/**
	 * Describe a failed response as an exception that carries its status and Retry-After.
	 * @param what what was called, e.g. {@code judge}
	 * @param response the response
	 * @return the exception
	 */
	public static EvalHttpException failure(String what, HttpResponse<?> response) {
		Optional<String> retryAfter = response.headers().firstValue("Retry-After");
		return new EvalHttpException(what + " answered HTTP " + response.statusCode(), response.statusCode(),
				retryAfter.map(HttpSupport::parseRetryAfter).orElse(null));
	}

	/**
	 * Parse a {@code Retry-After} value: seconds or an HTTP date.
	 * @param value the header value
	 * @return the wait, or {@code null} when unreadable
	 */
	public static @Nullable Duration parseRetryAfter(String value) {
		String text = value.strip();
		try {
			long seconds = Long.parseLong(text);
			return (seconds >= 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			// An HTTP date, below
		}
		try {
			ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
			Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
			return wait.isNegative() ? Duration.ZERO : wait;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * Percent-encode a path segment as JavaScript's {@code encodeURIComponent} does.
	 * @param text the text
	 * @return the encoded text
	 */
	public static String encodeUriComponent(String text) {
		StringBuilder encoded = new StringBuilder(text.length() * 3);
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xFF;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.!~*'()".indexOf(c) >= 0) {
				encoded.append((char) c);
			}
			else {
				encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
			}
		}
		return encoded.toString();
	}

	/**
	 * A 2xx answer that is not a chat completion; not retried.
	 */
	public static final class MalformedReplyException extends RuntimeException {

		/**
		 * Create an exception.
		 * @param message what is wrong, naming the endpoint
		 */
		public MalformedReplyException(String message) {
			super(message);
		}

	}

}
