package com.fallom.internal;

import org.jspecify.annotations.Nullable;

/**
 * Makes text from outside (backend keys and values, parser messages quoting them) safe
 * for one log line: at most {@value #MAX_LENGTH} characters, and control characters
 * (CR, LF, ESC, ...) written as escapes, so that a value can neither forge a log line
 * nor flood the log. Internal API.
 */
public final class LogText {

	/** The most characters of a value kept in a log line or an exception message. */
	public static final int MAX_LENGTH = 200;

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private LogText() {
	}

	/**
	 * Return a value as one safe, short line of text.
	 * @param value the value; {@code null} becomes {@code "null"}
	 * @return the text: control characters escaped, cut after {@value #MAX_LENGTH}
	 * characters with the number of characters left out
	 */
	public static String of(@Nullable Object value) {
		String text = String.valueOf(value);
		int length = text.length();
		if (length <= MAX_LENGTH && isClean(text)) {
			return text;
		}
		int kept = Math.min(length, MAX_LENGTH);
		if (kept < length && Character.isHighSurrogate(text.charAt(kept - 1))) {
			// Never split a character in two.
			kept--;
		}
		StringBuilder safe = new StringBuilder(kept + 32);
		for (int i = 0; i < kept; i++) {
			escape(safe, text.charAt(i));
		}
		if (kept < length) {
			safe.append("...(").append(length - kept).append(" more chars)");
		}
		return safe.toString();
	}

	private static boolean isClean(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (needsEscape(text.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static boolean needsEscape(char c) {
		// C0, DEL, C1, and the line and paragraph separators some viewers break lines at.
		return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
	}

	private static void escape(StringBuilder out, char c) {
		if (!needsEscape(c)) {
			out.append(c);
			return;
		}
		switch (c) {
			case '\n' -> out.append("\\n");
			case '\r' -> out.append("\\r");
			case '\t' -> out.append("\\t");
			default -> out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
				.append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
		}
	}

}
