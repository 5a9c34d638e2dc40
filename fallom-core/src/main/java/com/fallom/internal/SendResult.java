package com.fallom.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;

/**
 * How the backend answered one send of a {@link BoundedSender}: accepted, worth retrying
 * (the backend is down, overloaded or slow), refused for good, or refused for its API key
 * (the items are dropped and sending backs off until the key is accepted). Internal API.
 *
 * @param kind what to do with the items
 * @param retryAfter how long the backend asked to wait, or {@code null}
 * @param reason a short reason for the log, or {@code null} when sent
 */
public record SendResult(Kind kind, @Nullable Duration retryAfter, @Nullable String reason) {

	private static final SendResult SENT = new SendResult(Kind.SENT, null, null);

	/**
	 * Return the result of an accepted send.
	 * @return the result
	 */
	public static SendResult sent() {
		return SENT;
	}

	/**
	 * Return the result of a send to try again after a back-off.
	 * @param reason a short reason for the log
	 * @param retryAfter how long the backend asked to wait, or {@code null}
	 * @return the result
	 */
	public static SendResult retry(String reason, @Nullable Duration retryAfter) {
		return new SendResult(Kind.RETRY, retryAfter, reason);
	}

	/**
	 * Return the result of a send the backend refused for good.
	 * @param reason a short reason for the log
	 * @return the result
	 */
	public static SendResult rejected(String reason) {
		return new SendResult(Kind.REJECTED, null, reason);
	}

	/**
	 * Return the result of a send the backend refused for its API key.
	 * @param reason a short reason for the log
	 * @return the result
	 */
	public static SendResult unauthorized(String reason) {
		return new SendResult(Kind.UNAUTHORIZED, null, reason);
	}

	/**
	 * Classify an HTTP status: 2xx is sent; 408, 429 and 5xx are retried, as the backend
	 * may answer differently later; 401 and 403 refuse the API key; any other status (400,
	 * 404, 413 ...) is refused for good, as sending the same request again gets the same
	 * answer.
	 * @param status the HTTP status
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 * @return the result
	 */
	public static SendResult ofStatus(int status, @Nullable String retryAfter) {
		if (status >= 200 && status < 300) {
			return SENT;
		}
		if (status == 408 || status == 429 || status >= 500) {
			return retry("HTTP " + status, parseRetryAfter(retryAfter));
		}
		if (status == 401 || status == 403) {
			return unauthorized("HTTP " + status);
		}
		return rejected("HTTP " + status);
	}

	/**
	 * Parse a {@code Retry-After} header: delay-seconds, or an HTTP-date taken from now.
	 * A number too large for a {@code long} (epoch milliseconds or worse, from a proxy)
	 * is the longest {@link Duration}: callers cap it with {@code compareTo} before any
	 * conversion, never with {@code toNanos()} or {@code toMillis()}, which overflow.
	 * @param header the header or {@code null}
	 * @return the delay, or {@code null} when absent, past or not understood
	 */
	public static @Nullable Duration parseRetryAfter(@Nullable String header) {
		return parseRetryAfter(header, Instant.now());
	}

	/**
	 * Parse a {@code Retry-After} header: delay-seconds, or an HTTP-date taken from the
	 * given time. See {@link #parseRetryAfter(String)}.
	 * @param header the header or {@code null}
	 * @param now the time an HTTP-date is taken from
	 * @return the delay, or {@code null} when absent, past or not understood
	 */
	public static @Nullable Duration parseRetryAfter(@Nullable String header, Instant now) {
		if (header == null) {
			return null;
		}
		String value = header.strip();
		if (value.isEmpty()) {
			return null;
		}
		if (isDigits(value)) {
			if (value.length() > 18) {
				return Duration.ofSeconds(Long.MAX_VALUE);
			}
			long seconds = Long.parseLong(value);
			return (seconds > 0) ? Duration.ofSeconds(seconds) : null;
		}
		try {
			Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			return at.isAfter(now) ? Duration.between(now, at) : null;
		}
		catch (DateTimeParseException | ArithmeticException ex) {
			return null;
		}
	}

	private static boolean isDigits(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * What to do with the items of a send.
	 */
	public enum Kind {

		/** The backend accepted the items. */
		SENT,

		/** Send the items again after a back-off, before any newer item. */
		RETRY,

		/** Drop the items and count them as failed. */
		REJECTED,

		/**
		 * Drop the items, count them as failed, and back off until a send succeeds: the
		 * API key was refused (401, 403), and the next items would be refused too.
		 */
		UNAUTHORIZED

	}

}
