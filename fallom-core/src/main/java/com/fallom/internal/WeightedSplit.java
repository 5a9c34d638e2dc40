package com.fallom.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The split of the 1,000,000 session buckets among weighted variants, as every Fallom SDK
 * computes it: cumulative boundaries of {@code weight * 10000}, accumulated in IEEE doubles
 * step by step (rounding would move boundary buckets to another variant), and a bucket
 * belongs to the first variant whose boundary lies above it, else to the last. Shared by
 * model configs and prompt A/B tests, so both assign a session the same way. Internal API.
 */
public final class WeightedSplit {

	private final double[] boundaries;

	private WeightedSplit(double[] boundaries) {
		this.boundaries = boundaries;
	}

	/**
	 * Compute the split of variants.
	 * @param variants the variants, in order
	 * @param weight the weight of a variant, a percentage
	 * @param <V> the variant type
	 * @return the split
	 */
	public static <V> WeightedSplit of(Iterable<V> variants, ToDoubleFunction<V> weight) {
		List<Double> cumulativeWeights = new ArrayList<>();
		double cumulative = 0.0;
		for (V variant : variants) {
			cumulative += weight.applyAsDouble(variant) * 10000;
			cumulativeWeights.add(cumulative);
		}
		return new WeightedSplit(cumulativeWeights.stream().mapToDouble(Double::doubleValue).toArray());
	}

	/**
	 * Return the index of the variant that owns a bucket.
	 * @param bucket a bucket in {@code [0, 1_000_000)}
	 * @return the variant index
	 */
	public int variantIndexFor(int bucket) {
		double[] boundaries = this.boundaries;
		for (int i = 0; i < boundaries.length; i++) {
			if (bucket < boundaries[i]) {
				return i;
			}
		}
		return boundaries.length - 1;
	}

}
