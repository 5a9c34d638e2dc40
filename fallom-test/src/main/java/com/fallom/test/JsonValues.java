package com.fallom.test;

import org.jspecify.annotations.Nullable;

/**
 * Conversions of parsed JSON values that tolerate what a client may send.
 */
final class JsonValues {

	private JsonValues() {
	}

	static @Nullable String string(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	static @Nullable Integer integer(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.intValue();
		}
		if (value instanceof String string) {
			try {
				return Integer.parseInt(string.strip());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
