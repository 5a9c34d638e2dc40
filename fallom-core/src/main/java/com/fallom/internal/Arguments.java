package com.fallom.internal;

import java.util.Collection;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks for the engine, which keeps Spring off its classpath. Each throws
 * {@link IllegalArgumentException} with the message given, so callers name what is wrong.
 */
public final class Arguments {

	private Arguments() {
	}

	/** Whether the string has at least one character that is not whitespace. */
	public static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/** Whether the string is neither null nor empty. */
	public static boolean hasLength(@Nullable String value) {
		return value != null && !value.isEmpty();
	}

	public static void isTrue(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	public static void isTrue(boolean condition, Supplier<String> message) {
		if (!condition) {
			throw new IllegalArgumentException(message.get());
		}
	}

	public static void hasText(@Nullable String value, String message) {
		isTrue(hasText(value), message);
	}

	public static void notNull(@Nullable Object value, String message) {
		isTrue(value != null, message);
	}

	public static void notEmpty(@Nullable Collection<?> value, String message) {
		isTrue(value != null && !value.isEmpty(), message);
	}

}
