package com.fallom.prompts.internal;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PythonText}: the expected texts are Python 3's {@code str()}.
 */
class PythonTextTests {

	@Test
	void writesBooleansAndNullAsPython() {
		assertThat(PythonText.of(true)).isEqualTo("True");
		assertThat(PythonText.of(false)).isEqualTo("False");
		assertThat(PythonText.of(null)).isEqualTo("None");
	}

	@Test
	void writesWholeNumbersInDecimal() {
		assertThat(PythonText.of(42)).isEqualTo("42");
		assertThat(PythonText.of(-7L)).isEqualTo("-7");
		assertThat(PythonText.of(new BigInteger("123456789012345678901234567890")))
			.isEqualTo("123456789012345678901234567890");
	}

	@Test
	void writesFloatsInPythonsShortestForm() {
		assertThat(PythonText.of(1.0)).isEqualTo("1.0");
		assertThat(PythonText.of(-2.5)).isEqualTo("-2.5");
		assertThat(PythonText.of(0.1)).isEqualTo("0.1");
		assertThat(PythonText.of(0.1 + 0.2)).isEqualTo("0.30000000000000004");
		assertThat(PythonText.of(100.0)).isEqualTo("100.0");
		assertThat(PythonText.of(1e15)).isEqualTo("1000000000000000.0");
		assertThat(PythonText.of(1e16)).isEqualTo("1e+16");
		assertThat(PythonText.of(1.5e16)).isEqualTo("1.5e+16");
		assertThat(PythonText.of(1.0e22)).isEqualTo("1e+22");
		assertThat(PythonText.of(12345678.9)).isEqualTo("12345678.9");
		assertThat(PythonText.of(0.0001)).isEqualTo("0.0001");
		assertThat(PythonText.of(0.00001)).isEqualTo("1e-05");
		assertThat(PythonText.of(1.5e-7)).isEqualTo("1.5e-07");
		assertThat(PythonText.of(1e-100)).isEqualTo("1e-100");
		assertThat(PythonText.of(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
		assertThat(PythonText.of(0.0)).isEqualTo("0.0");
		assertThat(PythonText.of(-0.0)).isEqualTo("-0.0");
	}

	@Test
	void writesTheShortestDigitsWhereJava17WritesOneMore() {
		// Double.toString gives 2.82879384806159008E17 before Java 19.
		assertThat(PythonText.of(2.82879384806159E17)).isEqualTo("2.82879384806159e+17");
		assertThat(PythonText.of(Double.MIN_VALUE)).isEqualTo("5e-324");
		assertThat(PythonText.of(1e23)).isEqualTo("1e+23");
	}

	@Test
	void writesSpecialFloatsAsPython() {
		assertThat(PythonText.of(Double.NaN)).isEqualTo("nan");
		assertThat(PythonText.of(Double.POSITIVE_INFINITY)).isEqualTo("inf");
		assertThat(PythonText.of(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
	}

	@Test
	void writesAFloatAsItsOwnShortestText() {
		assertThat(PythonText.of(0.1f)).isEqualTo("0.1");
		assertThat(PythonText.of(3f)).isEqualTo("3.0");
	}

	@Test
	void writesOtherObjectsWithToString() {
		assertThat(PythonText.of('c')).isEqualTo("c");
		assertThat(PythonText.of(new StringBuilder("sb"))).isEqualTo("sb");
	}

}
