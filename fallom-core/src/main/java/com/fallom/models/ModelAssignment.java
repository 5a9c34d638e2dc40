package com.fallom.models;

/**
 * The whole answer to "which model does this session get": the model and how it was
 * decided.
 *
 * @param configKey the config key asked for
 * @param model the model to use
 * @param configVersion the config version the model came from, or {@code 0} for a
 * fallback
 * @param variantIndex the index of the chosen variant, or {@code -1} for a fallback
 * @param source how the model was decided
 */
public record ModelAssignment(String configKey, String model, int configVersion, int variantIndex,
		AssignmentSource source) {

	/**
	 * Whether the model is the caller's fallback rather than a variant of a config.
	 * @return whether this is a fallback
	 */
	public boolean isFallback() {
		return this.source == AssignmentSource.FALLBACK;
	}

}
