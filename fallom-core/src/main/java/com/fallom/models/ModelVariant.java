package com.fallom.models;

import com.fallom.internal.Arguments;

/**
 * One arm of an A/B test: a model and its share of traffic.
 *
 * @param model the model name handed to the LLM client, e.g. {@code gpt-4o}
 * @param weight the percentage of sessions (0 to 100, decimals allowed) that get it
 */
public record ModelVariant(String model, double weight) {

	public ModelVariant {
		Arguments.hasText(model, "'model' must not be null or blank");
		Arguments.isTrue(Double.isFinite(weight) && weight >= 0, () -> "'weight' must be a finite number >= 0, was " + weight);
	}

}
