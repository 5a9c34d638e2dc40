package com.fallom.evals.stats;

import java.util.Arrays;

/**
 * The Wilcoxon signed-rank test of paired differences, computed as
 * {@code scipy.stats.wilcoxon} does by default ({@code zero_method="wilcox"}: zero
 * differences are dropped; {@code correction=False}): the exact distribution when there are
 * no ties and at most 50 differences, else the normal approximation with the tie correction
 * of the variance. Differences closer than 1e-9 count as tied, so that {@code 0.8 - 0.7} and
 * {@code 0.9 - 0.8} share a rank although their doubles differ.
 */
public final class WilcoxonSignedRank {

	private static final double TIE_RESOLUTION = 1e-9;

	private static final int EXACT_LIMIT = 50;

	private WilcoxonSignedRank() {
	}

	/**
	 * Test the differences (run minus baseline).
	 * @param differences the paired differences
	 * @return the result
	 */
	public static Result test(double[] differences) {
		double[] nonZero = Arrays.stream(differences)
			.map((d) -> Math.rint(d / TIE_RESOLUTION) * TIE_RESOLUTION)
			.filter((d) -> d != 0)
			.toArray();
		int zeros = differences.length - nonZero.length;
		int n = nonZero.length;
		if (n == 0) {
			return new Result(0, zeros, 0, 0, 0, 1, 1, 1, false, 0);
		}
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Double.compare(Math.abs(nonZero[a]), Math.abs(nonZero[b])));
		double[] ranks = new double[n];
		double tieTerm = 0;
		boolean ties = false;
		for (int i = 0; i < n;) {
			int j = i;
			while (j + 1 < n && Math.abs(nonZero[order[j + 1]]) == Math.abs(nonZero[order[i]])) {
				j++;
			}
			double rank = (i + j + 2) / 2.0;
			for (int k = i; k <= j; k++) {
				ranks[order[k]] = rank;
			}
			int t = j - i + 1;
			if (t > 1) {
				ties = true;
				tieTerm += (double) t * t * t - t;
			}
			i = j + 1;
		}
		double wPlus = 0;
		double wMinus = 0;
		for (int i = 0; i < n; i++) {
			if (nonZero[i] > 0) {
				wPlus += ranks[i];
			}
			else {
				wMinus += ranks[i];
			}
		}
		double mean = n * (n + 1) / 4.0;
		double variance = n * (n + 1) * (2.0 * n + 1) / 24.0 - tieTerm / 48.0;
		double z = (variance > 0) ? (wPlus - mean) / Math.sqrt(variance) : 0;
		double rankBiserial = (wPlus - wMinus) / (wPlus + wMinus);
		boolean exact = !ties && zeros == 0 && n <= EXACT_LIMIT;
		double less;
		double greater;
		if (exact) {
			long[] counts = exactCounts(n);
			double total = Math.pow(2, n);
			int w = (int) wPlus;
			long atMost = 0;
			for (int s = 0; s <= w; s++) {
				atMost += counts[s];
			}
			less = atMost / total;
			greater = (total - atMost + counts[w]) / total;
		}
		else {
			less = Normal.cdf(z);
			greater = Normal.cdf(-z);
		}
		double twoSided = Math.min(1, 2 * Math.min(less, greater));
		return new Result(n, zeros, wPlus, wMinus, z, twoSided, less, greater, exact, rankBiserial);
	}

	// The number of sign assignments of ranks 1..n whose positive ranks sum to s
	private static long[] exactCounts(int n) {
		int max = n * (n + 1) / 2;
		long[] counts = new long[max + 1];
		counts[0] = 1;
		for (int rank = 1; rank <= n; rank++) {
			for (int s = max; s >= rank; s--) {
				counts[s] += counts[s - rank];
			}
		}
		return counts;
	}

	/**
	 * The test's outcome.
	 *
	 * @param n the non-zero differences ranked
	 * @param zeros the zero differences dropped
	 * @param wPlus the sum of the ranks of positive differences (R's {@code V})
	 * @param wMinus the sum of the ranks of negative differences
	 * @param z the normal statistic of {@code wPlus} (tie-corrected), also given when exact
	 * @param pTwoSided the two-sided p-value
	 * @param pLess the p-value of "the run is lower" ({@code alternative="less"})
	 * @param pGreater the p-value of "the run is higher" ({@code alternative="greater"})
	 * @param exact whether the p-values come from the exact distribution
	 * @param rankBiserial the matched-pairs rank-biserial correlation, in [-1, 1]: the effect
	 * size, negative when the run is lower
	 */
	public record Result(int n, int zeros, double wPlus, double wMinus, double z, double pTwoSided, double pLess,
			double pGreater, boolean exact, double rankBiserial) {

		/**
		 * Return scipy's statistic for the two-sided test: the smaller rank sum.
		 * @return {@code min(wPlus, wMinus)}
		 */
		public double statistic() {
			return Math.min(this.wPlus, this.wMinus);
		}

	}

}
