package com.fallom.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How the backend answered one send of a {@link BoundedSender}: accepted, worth retrying
 * (the backend is down, overloaded or slow), or refused for good. Internal API.
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
	 * Classify an HTTP status: 2xx is sent; 408, 429 and 5xx are retried, as the backend
	 * may answer differently later; any other status (400, 401, 403, 404, 413 ...) is
	 * refused for good, as sending the same request again gets the same answer.
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
		return rejected("HTTP " + status);
	}

	/**
	 * Parse a {@code Retry-After} header given in seconds (the HTTP-date form is ignored).
	 * @param header the header or {@code null}
	 * @return the delay or {@code null}
	 */
	static @Nullable Duration parseRetryAfter(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			long seconds = Long.parseLong(header.strip());
			return (seconds > 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
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
		REJECTED

	}

}
