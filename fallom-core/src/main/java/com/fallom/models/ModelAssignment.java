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
 * @param source where the config came from
 * @param reason why the session got this variant: an individual target, a rule, or the
 * hash
 * @param targetingIndex the position of the individual target or rule that matched, in
 * the config's targeting, or {@code -1} for the hash and fallbacks
 */
public record ModelAssignment(String configKey, String model, int configVersion, int variantIndex,
		AssignmentSource source, AssignmentReason reason, int targetingIndex) {

	/**
	 * Create an assignment decided without targeting: by the hash, or a fallback.
	 * @param configKey the config key asked for
	 * @param model the model to use
	 * @param configVersion the config version, or {@code 0} for a fallback
	 * @param variantIndex the index of the chosen variant, or {@code -1} for a fallback
	 * @param source where the config came from
	 */
	public ModelAssignment(String configKey, String model, int configVersion, int variantIndex,
			AssignmentSource source) {
		this(configKey, model, configVersion, variantIndex, source,
				(source == AssignmentSource.FALLBACK) ? AssignmentReason.FALLBACK : AssignmentReason.HASH, -1);
	}

	/**
	 * Whether the model is the caller's fallback rather than a variant of a config.
	 * @return whether this is a fallback
	 */
	public boolean isFallback() {
		return this.source == AssignmentSource.FALLBACK;
	}

	/**
	 * Whether targeting (an individual target or a rule) chose the variant.
	 * @return whether the variant was targeted
	 */
	public boolean isTargeted() {
		return this.reason == AssignmentReason.INDIVIDUAL_TARGET || this.reason == AssignmentReason.RULE;
	}

}
