package com.fallom.internal;

import org.jspecify.annotations.Nullable;

/**
 * The one check of an API key, wherever it enters (builder, environment, properties,
 * connection details, HTTP client). A key read from a Kubernetes secret or a file often
 * ends in a line break: whitespace around the key is stripped. Any other character that
 * is not visible ASCII would make the JDK refuse the {@code Authorization} header with a
 * message that quotes the whole header, key included, so it is refused here, with a
 * message that names the setting and never shows the key. Internal API.
 */
public final class ApiKeys {

	private ApiKeys() {
	}

	/**
	 * Return a key with surrounding whitespace stripped, or fail naming the setting.
	 * @param apiKey the key as given
	 * @param setting the setting it came from, as the user would write it
	 * @return the stripped key
	 * @throws IllegalArgumentException when the key is blank or holds a control or
	 * non-visible character; the message never contains the key
	 */
	public static String clean(String apiKey, String setting) {
		String problem = problem(apiKey);
		if (problem != null) {
			throw new IllegalArgumentException(setting + " " + problem);
		}
		return apiKey.strip();
	}

	/**
	 * Say what is wrong with a key, without showing it.
	 * @param apiKey the key as given
	 * @return the problem, starting with a verb ("must not be blank"), or {@code null}
	 * when the key is usable once stripped
	 */
	public static @Nullable String problem(String apiKey) {
		String stripped = apiKey.strip();
		if (stripped.isEmpty()) {
			return "must not be blank; leave it unset to run offline";
		}
		for (int i = 0; i < stripped.length(); i++) {
			char c = stripped.charAt(i);
			if (c < 0x21 || c > 0x7e) {
				// The position and code point locate the mistake; the key stays hidden.
				return "must hold visible ASCII characters only (whitespace around it is stripped), but character "
						+ (i + 1) + " of " + stripped.length() + " is " + String.format("U+%04X", (int) c);
			}
		}
		return null;
	}

}
