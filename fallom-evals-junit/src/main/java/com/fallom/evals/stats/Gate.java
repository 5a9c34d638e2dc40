package com.fallom.evals.stats;

/**
 * When a run is worse than its baseline: a metric whose mean drops by more than
 * {@code maxDrop} with a one-sided Wilcoxon p-value below {@code alpha} (a drop that matters
 * and is not the judge's noise), or a single case that drops by more than
 * {@code maxCaseDrop} (a case that broke, which a mean over many cases hides).
 *
 * @param maxDrop the largest mean drop tolerated, in score units
 * @param alpha the significance level of the one-sided test
 * @param maxCaseDrop the largest drop of one case tolerated, in score units
 */
public record Gate(double maxDrop, double alpha, double maxCaseDrop) {

	/** A drop of more than 0.05 at the 5 % level, or one case dropping by more than 0.5. */
	public static final Gate DEFAULT = new Gate(0.05, 0.05, 0.5);

	public Gate {
		check("maxDrop", maxDrop, 0, 1);
		check("alpha", alpha, Double.MIN_VALUE, 1);
		check("maxCaseDrop", maxCaseDrop, 0, 1);
	}

	private static void check(String name, double value, double min, double max) {
		if (!(value >= min && value <= max)) {
			throw new IllegalArgumentException("Gate " + name + " must be in [" + min + ", " + max + "], was " + value);
		}
	}

	/**
	 * Return this gate with another tolerated mean drop.
	 * @param maxDrop the drop
	 * @return the gate
	 */
	public Gate withMaxDrop(double maxDrop) {
		return new Gate(maxDrop, this.alpha, this.maxCaseDrop);
	}

	/**
	 * Return this gate with another significance level.
	 * @param alpha the level
	 * @return the gate
	 */
	public Gate withAlpha(double alpha) {
		return new Gate(this.maxDrop, alpha, this.maxCaseDrop);
	}

	/**
	 * Return this gate with another tolerated drop of one case.
	 * @param maxCaseDrop the drop
	 * @return the gate
	 */
	public Gate withMaxCaseDrop(double maxCaseDrop) {
		return new Gate(this.maxDrop, this.alpha, maxCaseDrop);
	}

}
