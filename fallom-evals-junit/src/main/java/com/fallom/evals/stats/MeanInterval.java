package com.fallom.evals.stats;

import java.util.Collection;

/**
 * A mean with its 95 % confidence interval from Student's t distribution ({@code
 * scipy.stats.t.interval(0.95, n - 1, mean, sem)}); with one value the interval is the value.
 *
 * @param n the values
 * @param mean the mean
 * @param low the lower bound
 * @param high the upper bound
 * @param standardDeviation the sample standard deviation (0 for one value)
 */
public record MeanInterval(int n, double mean, double low, double high, double standardDeviation) {

	// t quantile 0.975 for 1..30 degrees of freedom (scipy.stats.t.ppf(0.975, df), 6 decimals)
	private static final double[] T975 = { 12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624,
			2.306004, 2.262157, 2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816,
			2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
			2.048407, 2.045230, 2.042272 };

	private static final double Z975 = 1.959963984540054;

	/**
	 * Compute the mean and interval of values.
	 * @param values at least one value
	 * @return the mean and interval
	 */
	public static MeanInterval of(Collection<Double> values) {
		return of(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	/**
	 * Compute the mean and interval of values.
	 * @param values at least one value
	 * @return the mean and interval
	 */
	public static MeanInterval of(double[] values) {
		if (values.length == 0) {
			throw new IllegalArgumentException("A mean needs at least one value");
		}
		int n = values.length;
		double sum = 0;
		for (double value : values) {
			sum += value;
		}
		double mean = sum / n;
		if (n == 1) {
			return new MeanInterval(1, mean, mean, mean, 0);
		}
		double squares = 0;
		for (double value : values) {
			squares += (value - mean) * (value - mean);
		}
		double sd = Math.sqrt(squares / (n - 1));
		double half = tQuantile975(n - 1) * sd / Math.sqrt(n);
		return new MeanInterval(n, mean, mean - half, mean + half, sd);
	}

	static double tQuantile975(int df) {
		if (df <= T975.length) {
			return T975[df - 1];
		}
		// Cornish-Fisher expansion: within 2e-5 of the exact quantile from 31 degrees of freedom
		double z = Z975;
		double z3 = z * z * z;
		double z5 = z3 * z * z;
		return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df)
				+ (3 * z5 * z * z + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * df * df * df);
	}

}
