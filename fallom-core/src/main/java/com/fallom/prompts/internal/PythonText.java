package com.fallom.prompts.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import org.jspecify.annotations.Nullable;

/**
 * Turns a variable's value into the text Python's {@code str()} gives, so a template
 * renders the same here as in Fallom's Python SDK: {@code True}/{@code False},
 * {@code None}, floats in Python's shortest form ({@code 1e+16}, {@code 0.0001},
 * {@code 1e-05}, {@code inf}, {@code nan}). Anything else uses {@code toString()}.
 * Internal API.
 */
public final class PythonText {

	private PythonText() {
	}

	/**
	 * Return the text of a value.
	 * @param value the value
	 * @return its text
	 */
	public static String of(@Nullable Object value) {
		if (value instanceof String string) {
			return string;
		}
		if (value == null) {
			return "None";
		}
		if (value instanceof Boolean bool) {
			return bool ? "True" : "False";
		}
		if (value instanceof Double number) {
			return ofDouble(number, false);
		}
		if (value instanceof Float number) {
			// Python has no 32-bit float; the shortest text of the float is what the caller
			// wrote, where widening to double would show 0.10000000149011612.
			return ofDouble(number.doubleValue(), true);
		}
		return value.toString();
	}

	private static String ofDouble(double value, boolean isFloat) {
		if (Double.isNaN(value)) {
			return "nan";
		}
		if (Double.isInfinite(value)) {
			return (value > 0) ? "inf" : "-inf";
		}
		if (value == 0) {
			return ((1 / value) < 0) ? "-0.0" : "0.0";
		}
		BigDecimal decimal = shortest(value, isFloat).stripTrailingZeros();
		String digits = decimal.unscaledValue().abs().toString();
		// The decimal exponent of the first digit: value = d.ddd * 10^exponent.
		int exponent = digits.length() - 1 - decimal.scale();
		StringBuilder text = new StringBuilder(digits.length() + 8);
		if (decimal.signum() < 0) {
			text.append('-');
		}
		// Python's repr switches to scientific notation below 1e-4 and from 1e16 on.
		if (exponent < -4 || exponent >= 16) {
			text.append(digits.charAt(0));
			if (digits.length() > 1) {
				text.append('.').append(digits, 1, digits.length());
			}
			text.append('e').append((exponent < 0) ? '-' : '+');
			int magnitude = Math.abs(exponent);
			if (magnitude < 10) {
				text.append('0');
			}
			return text.append(magnitude).toString();
		}
		if (exponent < 0) {
			text.append("0.");
			text.append("0".repeat(-exponent - 1));
			return text.append(digits).toString();
		}
		if (digits.length() <= exponent + 1) {
			text.append(digits);
			text.append("0".repeat(exponent + 1 - digits.length()));
			return text.append(".0").toString();
		}
		return text.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length()).toString();
	}

	/**
	 * The fewest significant digits that read back as the same number, nearest to it, as
	 * Python's {@code repr} chooses them (Java 17's {@code Double.toString} sometimes
	 * writes one digit more).
	 */
	private static BigDecimal shortest(double value, boolean isFloat) {
		BigDecimal exact = new BigDecimal(value);
		int maxDigits = isFloat ? 9 : 17;
		for (int digits = 1; digits < maxDigits; digits++) {
			BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
			if (isFloat ? candidate.floatValue() == (float) value : candidate.doubleValue() == value) {
				return candidate;
			}
		}
		return exact.round(new MathContext(maxDigits, RoundingMode.HALF_EVEN));
	}

}
