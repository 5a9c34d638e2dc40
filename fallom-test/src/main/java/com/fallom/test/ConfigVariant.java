package com.fallom.test;

import java.util.Objects;

/**
 * One variant of a config put into a {@link FallomMockServer}: a model and its weight.
 * Create it with {@link FallomMockServer#variant(String, Number)}.
 *
 * @param model the model
 * @param weight the weight, a percentage; served as the JSON number it is
 */
public record ConfigVariant(String model, Number weight) {

	/**
	 * Create a variant.
	 * @param model the model
	 * @param weight the weight
	 */
	public ConfigVariant {
		Objects.requireNonNull(model, "model must not be null");
		Objects.requireNonNull(weight, "weight must not be null");
	}

}
