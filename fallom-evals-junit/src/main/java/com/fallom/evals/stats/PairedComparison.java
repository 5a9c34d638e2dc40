package com.fallom.evals.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One metric of a run compared with its baseline (or model B with model A) over the cases
 * both scored: the means, the mean difference with its 95 % interval, the Wilcoxon
 * signed-rank test of the paired differences with its rank-biserial effect size, the cases
 * that dropped more than the gate allows, and the gate's verdict.
 *
 * @param metric the metric name
 * @param shared the cases both scored
 * @param baselineMean the baseline's mean over the shared cases
 * @param runMean the run's mean over the shared cases
 * @param difference the mean difference (run minus baseline) with its 95 % interval
 * @param test the signed-rank test of the differences
 * @param caseDrops the cases that dropped by more than the gate's {@code maxCaseDrop}, worst first
 * @param gate the gate applied
 */
public record PairedComparison(String metric, int shared, double baselineMean, double runMean,
		@Nullable MeanInterval difference, WilcoxonSignedRank.Result test, List<CaseDrop> caseDrops, Gate gate) {

	public PairedComparison {
		caseDrops = List.copyOf(caseDrops);
	}

	/**
	 * Compare the scores of one metric by case.
	 * @param metric the metric name
	 * @param baseline the baseline's score by case id
	 * @param run the run's score by case id
	 * @param gate the gate
	 * @return the comparison over the case ids both have
	 */
	public static PairedComparison compare(String metric, Map<String, Double> baseline, Map<String, Double> run,
			Gate gate) {
		List<String> shared = baseline.keySet().stream().filter(run::containsKey).toList();
		double[] differences = new double[shared.size()];
		double baselineSum = 0;
		double runSum = 0;
		List<CaseDrop> drops = new ArrayList<>();
		for (int i = 0; i < shared.size(); i++) {
			String id = shared.get(i);
			double before = baseline.get(id);
			double after = run.get(id);
			baselineSum += before;
			runSum += after;
			differences[i] = after - before;
			if (before - after > gate.maxCaseDrop() + 1e-9) {
				drops.add(new CaseDrop(id, before, after));
			}
		}
		drops.sort(Comparator.comparingDouble(CaseDrop::drop).reversed());
		int n = shared.size();
		return new PairedComparison(metric, n, (n > 0) ? baselineSum / n : Double.NaN,
				(n > 0) ? runSum / n : Double.NaN, (n > 0) ? MeanInterval.of(differences) : null,
				WilcoxonSignedRank.test(differences), drops, gate);
	}

	/**
	 * Return the mean difference, run minus baseline.
	 * @return the difference, NaN without shared cases
	 */
	public double meanDifference() {
		return this.runMean - this.baselineMean;
	}

	/**
	 * Whether the mean dropped by more than the gate's {@code maxDrop} and the one-sided test
	 * says the drop is not noise.
	 * @return whether the metric regressed significantly
	 */
	public boolean significantDrop() {
		return this.shared > 0 && -meanDifference() > this.gate.maxDrop() + 1e-12
				&& this.test.pLess() < this.gate.alpha();
	}

	/**
	 * Whether the run is significantly better (the other tail, at the same level).
	 * @return whether the run improved significantly
	 */
	public boolean significantGain() {
		return this.shared > 0 && meanDifference() > 0 && this.test.pGreater() < this.gate.alpha();
	}

	/**
	 * Whether the gate passes: no significant drop and no case dropping too far.
	 * @return whether it passes
	 */
	public boolean passes() {
		return !significantDrop() && this.caseDrops.isEmpty();
	}

	/**
	 * Describe the comparison in one line, e.g. for an assertion message.
	 * @return the description
	 */
	public String describe() {
		StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
				"%s: %.3f -> %.3f (%+.3f", this.metric, this.baselineMean, this.runMean, meanDifference()));
		if (this.difference != null && this.difference.n() > 1) {
			line.append(String.format(Locale.ROOT, ", 95%% CI %+.3f..%+.3f", this.difference.low(),
					this.difference.high()));
		}
		line.append(String.format(Locale.ROOT, ") over %d cases, Wilcoxon p(drop)=%.4f p(two-sided)=%.4f%s, r=%+.2f",
				this.shared, this.test.pLess(), this.test.pTwoSided(), this.test.exact() ? " exact" : "",
				this.test.rankBiserial()));
		if (significantDrop()) {
			line.append(String.format(Locale.ROOT, "; SIGNIFICANT DROP of more than %.3f", this.gate.maxDrop()));
		}
		for (CaseDrop drop : this.caseDrops) {
			line.append(String.format(Locale.ROOT, "; case '%s' dropped %.3f -> %.3f (more than %.3f)", drop.caseId(),
					drop.before(), drop.after(), this.gate.maxCaseDrop()));
		}
		return line.toString();
	}

	/**
	 * One case that dropped more than the gate allows.
	 *
	 * @param caseId the case id
	 * @param before the baseline's score
	 * @param after the run's score
	 */
	public record CaseDrop(String caseId, double before, double after) {

		/**
		 * Return the drop.
		 * @return before minus after
		 */
		public double drop() {
			return this.before - this.after;
		}

	}

}
