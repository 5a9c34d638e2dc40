package com.fallom.sync;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fallom.internal.LogText;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link BackgroundSync} keeps in step with the backend: model configs, prompts.
 * The sync owns scheduling, back-off, ETags, logging and the snapshot file; the resource
 * owns parsing and the state it serves. Called on the syncing thread only.
 *
 * @param <T> the parsed body
 */
public interface SyncedResource<T> {

	/**
	 * Return the path fetched, e.g. {@code /configs}.
	 * @return the path
	 */
	String path();

	/**
	 * Return what one item is called in log lines, e.g. {@code config} or {@code prompt}.
	 * @return the item name
	 */
	String itemName();

	/**
	 * Parse a body, skipping invalid items one by one.
	 * @param body the body
	 * @return the valid items and the rejected ones
	 * @throws MalformedResponseException when the body as a whole is unusable
	 */
	Parsed<T> parse(byte[] body);

	/**
	 * Serve a parsed body from now on.
	 * @param parsed the parsed body
	 * @param fetchedAt when it was fetched
	 * @return the keys of rejected items whose last good version is still served
	 */
	Set<String> apply(Parsed<T> parsed, Instant fetchedAt);

	/**
	 * Record that the backend confirmed, with "not modified", that what is served is
	 * current.
	 * @param confirmedAt when it answered
	 */
	void confirm(Instant confirmedAt);

	/**
	 * Return what is served now in the backend's own format, for the snapshot file.
	 * @return the body
	 */
	byte[] snapshot();

	/**
	 * Describe what is served now, for log lines: "3 fetched config(s)".
	 * @return the description
	 */
	String describeServed();

	/**
	 * A parsed body.
	 *
	 * @param value the valid part
	 * @param rejected the items skipped
	 * @param <T> the parsed type
	 */
	record Parsed<T>(T value, List<Rejected> rejected) {

		public Parsed {
			rejected = List.copyOf(rejected);
		}

	}

	/**
	 * An item that failed validation.
	 *
	 * @param key its key, or {@code null} when it has none
	 * @param index its position in the body
	 * @param reason what is wrong with it
	 */
	record Rejected(@Nullable String key, int index, String reason) {

		/**
		 * Name the item for a log line: the key is the backend's, so it is cut short and
		 * its control characters escaped.
		 * @return the quoted key, or its index
		 */
		public String describe() {
			return (this.key != null) ? "'" + LogText.of(this.key) + "'" : "at index " + this.index;
		}

	}

	/**
	 * Thrown when a body is not usable at all: not JSON, or not the expected shape.
	 */
	class MalformedResponseException extends RuntimeException {

		public MalformedResponseException(String message) {
			super(message);
		}

	}

}
