package com.fallom.internal;

import java.math.BigDecimal;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper for what the backend sends (configs, prompts, prompt A/B tests,
 * and their snapshot files), with read limits far above any real body and far below
 * Jackson's defaults (documents of any length, strings of 100 M characters): a broken
 * or hostile answer fails to parse, and the last good state stays served, instead of
 * taking the heap or a sync thread. Internal API.
 */
public final class BackendJson {

	/**
	 * The longest document read: 64 MiB. A list of configs or prompts this big is already
	 * absurd; the response size cap of the HTTP client usually stops it first.
	 */
	public static final long MAX_DOCUMENT_LENGTH = 64L * 1024 * 1024;

	/**
	 * The longest string value: 4 Mi characters, more than a prompt template filling the
	 * largest model context (about a million tokens).
	 */
	public static final int MAX_STRING_LENGTH = 4 * 1024 * 1024;

	/** The longest field name. */
	public static final int MAX_NAME_LENGTH = 4096;

	/**
	 * The deepest nesting: 64. A config nests about ten levels deep (targeting rules,
	 * conditions, a list value); deeper is not a config, and the parsed tree is walked
	 * recursively.
	 */
	public static final int MAX_NESTING_DEPTH = 64;

	/** The most characters of a JSON number. */
	public static final int MAX_NUMBER_LENGTH = 100;

	/**
	 * The most characters of a number sent as a string, such as a weight of
	 * {@code "33.3"}: longer is refused before it is parsed.
	 */
	public static final int MAX_NUMERIC_STRING_LENGTH = 64;

	private static final JsonMapper mapper = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxDocumentLength(MAX_DOCUMENT_LENGTH)
				.maxStringLength(MAX_STRING_LENGTH)
				.maxNameLength(MAX_NAME_LENGTH)
				.maxNestingDepth(MAX_NESTING_DEPTH)
				.maxNumberLength(MAX_NUMBER_LENGTH)
				.build())
			.build())
		.build();

	private BackendJson() {
	}

	/**
	 * Return the mapper of backend data.
	 * @return the mapper
	 */
	public static JsonMapper mapper() {
		return mapper;
	}

	/**
	 * Parse a number sent as a string, e.g. a weight of {@code "33.3"}, rounded to the
	 * nearest double as Python's {@code float()} does. Refuses {@code NaN},
	 * {@code Infinity}, hex floats and anything longer than
	 * {@value #MAX_NUMERIC_STRING_LENGTH} characters, which {@code BigDecimal} would parse
	 * in time that grows with the square of its length.
	 * @param value the text
	 * @return the number, infinite when out of the range of a double
	 * @throws NumberFormatException when the text is not a decimal number of at most
	 * {@value #MAX_NUMERIC_STRING_LENGTH} characters
	 */
	public static double parseDecimal(String value) {
		String number = value.strip();
		if (number.length() > MAX_NUMERIC_STRING_LENGTH) {
			throw new NumberFormatException("longer than " + MAX_NUMERIC_STRING_LENGTH + " characters");
		}
		return new BigDecimal(number).doubleValue();
	}

}
