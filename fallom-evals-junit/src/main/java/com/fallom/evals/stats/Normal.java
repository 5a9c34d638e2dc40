package com.fallom.evals.stats;

/**
 * The standard normal distribution function, by Marsaglia's series (2004): all terms
 * positive, so no cancellation, accurate to about 1e-15 absolute in the range that matters.
 */
final class Normal {

	private static final double LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);

	private Normal() {
	}

	static double cdf(double x) {
		if (x < -9) {
			return 0;
		}
		if (x > 9) {
			return 1;
		}
		double sum = x;
		double term = x;
		double previous = Double.NaN;
		for (int i = 3; sum != previous; i += 2) {
			previous = sum;
			term = term * x * x / i;
			sum += term;
		}
		return 0.5 + sum * Math.exp(-0.5 * x * x - LOG_SQRT_TWO_PI);
	}

}
