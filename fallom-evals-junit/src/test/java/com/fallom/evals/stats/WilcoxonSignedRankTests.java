package com.fallom.evals.stats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks the statistics against the numbers of a reference implementation on fixed data.
 * Reference values are {@code scipy.stats.wilcoxon} and {@code scipy.stats.t} of SciPy
 * 1.17.1, run on the data below; the first two data sets are published worked examples.
 */
class WilcoxonSignedRankTests {

	// Darwin's plant-height differences (Hollander & Wolfe), the example of the
	// scipy.stats.wilcoxon documentation, which prints statistic 24.0, p 0.041259765625 (exact)
	private static final double[] DARWIN = { 6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75 };

	// The worked example of the Wikipedia article "Wilcoxon signed-rank test" (x2 - x1):
	// one zero and tied absolute values, so the normal approximation with the tie correction
	private static final double[] WIKIPEDIA = { 15, -7, 5, 20, 0, -9, 17, -12, 5, -10 };

	@Test
	void exactDistributionMatchesScipy() {
		WilcoxonSignedRank.Result result = WilcoxonSignedRank.test(DARWIN);
		assertThat(result.exact()).isTrue();
		assertThat(result.statistic()).isEqualTo(24.0);
		assertThat(result.wPlus()).isEqualTo(96.0);
		// wilcoxon(d, method='exact') -> 0.041259765625; alternative='greater' -> 0.0206298828125;
		// alternative='less' -> 0.982330322265625
		assertThat(result.pTwoSided()).isEqualTo(0.041259765625);
		assertThat(result.pGreater()).isEqualTo(0.0206298828125);
		assertThat(result.pLess()).isEqualTo(0.982330322265625);
		assertThat(result.rankBiserial()).isCloseTo((96.0 - 24.0) / 120.0, within(1e-12));
	}

	@Test
	void normalApproximationMatchesScipyWithoutTies() {
		// wilcoxon(d, method='approx') -> statistic 24.0, p 0.04088813291185591
		double p = 2 * Normal.cdf(-(60.0 - 24.0) / Math.sqrt(310.0));
		assertThat(p).isCloseTo(0.04088813291185591, within(1e-12));
	}

	@Test
	void zerosAndTiesMatchScipyApproximation() {
		WilcoxonSignedRank.Result result = WilcoxonSignedRank.test(WIKIPEDIA);
		assertThat(result.exact()).isFalse();
		assertThat(result.n()).isEqualTo(9);
		assertThat(result.zeros()).isEqualTo(1);
		// wilcoxon(d, method='approx') -> statistic 18.0, p 0.5936305914425295;
		// alternative='less' -> statistic 27.0, p 0.7031847042787353 (R: V = 27, p-value = 0.5936)
		assertThat(result.statistic()).isEqualTo(18.0);
		assertThat(result.wPlus()).isEqualTo(27.0);
		assertThat(result.pTwoSided()).isCloseTo(0.5936305914425295, within(1e-12));
		assertThat(result.pLess()).isCloseTo(0.7031847042787353, within(1e-12));
		assertThat(result.rankBiserial()).isCloseTo(0.2, within(1e-12));
	}

	@Test
	void scoreDifferencesTieDespiteDoubleRounding() {
		// Judge scores of 12 cases, run minus baseline, as doubles (0.8 - 0.7 != 0.9 - 0.8):
		// wilcoxon(np.round(r - b, 10), method='approx') -> statistic 0.0, p 0.00736857462637493;
		// alternative='less' -> p 0.003684287313187465
		double[] baseline = { 0.9, 0.8, 0.85, 0.7, 0.9, 0.6, 0.75, 0.8, 0.95, 0.7, 0.65, 0.8 };
		double[] run = { 0.7, 0.8, 0.6, 0.5, 0.85, 0.6, 0.5, 0.7, 0.9, 0.4, 0.65, 0.6 };
		double[] differences = new double[baseline.length];
		for (int i = 0; i < baseline.length; i++) {
			differences[i] = run[i] - baseline[i];
		}
		WilcoxonSignedRank.Result result = WilcoxonSignedRank.test(differences);
		assertThat(result.n()).isEqualTo(9);
		assertThat(result.pTwoSided()).isCloseTo(0.00736857462637493, within(1e-12));
		assertThat(result.pLess()).isCloseTo(0.003684287313187465, within(1e-12));
		assertThat(result.rankBiserial()).isEqualTo(-1.0);
	}

	@Test
	void meanIntervalMatchesScipyT() {
		// scipy.stats.t.interval(0.95, 4, loc=mean, scale=sem) -> (0.7261149366316433, 0.9338850633683569)
		MeanInterval interval = MeanInterval.of(new double[] { 0.9, 0.8, 0.85, 0.7, 0.9 });
		assertThat(interval.mean()).isCloseTo(0.83, within(1e-12));
		assertThat(interval.low()).isCloseTo(0.7261149366316433, within(1e-6));
		assertThat(interval.high()).isCloseTo(0.9338850633683569, within(1e-6));
		// scipy.stats.t.ppf(0.975, 40) and (0.975, 100)
		assertThat(MeanInterval.tQuantile975(40)).isCloseTo(2.021075390306273, within(2e-5));
		assertThat(MeanInterval.tQuantile975(100)).isCloseTo(1.9839715185235518, within(2e-5));
	}

	@Test
	void gateFailsOnASignificantDropAndOnOneBrokenCase() {
		Map<String, Double> baseline = new LinkedHashMap<>();
		Map<String, Double> worse = new LinkedHashMap<>();
		Map<String, Double> oneBroken = new LinkedHashMap<>();
		Map<String, Double> noisy = new LinkedHashMap<>();
		for (int i = 0; i < 12; i++) {
			baseline.put("case-" + i, 0.9);
			worse.put("case-" + i, 0.9 - 0.1 - 0.01 * i);
			oneBroken.put("case-" + i, (i == 3) ? 0.2 : 0.9);
			noisy.put("case-" + i, 0.9 + ((i % 2 == 0) ? 0.1 : -0.1));
		}
		PairedComparison drop = PairedComparison.compare("answer_relevancy", baseline, worse, Gate.DEFAULT);
		assertThat(drop.significantDrop()).isTrue();
		assertThat(drop.passes()).isFalse();
		assertThat(drop.describe()).contains("SIGNIFICANT DROP");

		PairedComparison broken = PairedComparison.compare("answer_relevancy", baseline, oneBroken, Gate.DEFAULT);
		assertThat(broken.significantDrop()).isFalse();
		assertThat(broken.caseDrops()).extracting(PairedComparison.CaseDrop::caseId).containsExactly("case-3");
		assertThat(broken.passes()).isFalse();

		PairedComparison noise = PairedComparison.compare("answer_relevancy", baseline, noisy, Gate.DEFAULT);
		assertThat(noise.passes()).isTrue();
		// A drop that is significant but smaller than the tolerated one passes
		assertThat(PairedComparison.compare("answer_relevancy", baseline, worse, Gate.DEFAULT.withMaxDrop(0.2))
			.passes()).isTrue();
	}

}
