package com.fallom.models;

import java.util.List;
import java.util.Map;

import com.fallom.internal.Arguments;
import com.fallom.internal.WeightedSplit;
import org.jspecify.annotations.Nullable;

/**
 * One version of a model config: the variants a session is assigned among, and the
 * targeting that pins some sessions to a variant. Immutable; the cumulative bucket
 * boundaries and the targeting are compiled once so that assignment is a short scan.
 */
public final class ModelConfig {

	/** Buckets per 100 % of traffic, as in every Fallom SDK. */
	static final int BUCKETS = 1_000_000;

	private final String key;

	private final int version;

	private final List<ModelVariant> variants;

	private final String[] models;

	private final WeightedSplit split;

	private final ConfigOrigin origin;

	private final @Nullable ModelTargeting targeting;

	// The targeting to evaluate: null when there is none or it is disabled, so that the
	// common case costs one null check.
	private final @Nullable ModelTargeting activeTargeting;

	/**
	 * Create a config without targeting.
	 * @param key the config key
	 * @param version the config version, 1 or more
	 * @param variants the variants in order, at least one
	 * @param origin where the config came from
	 */
	public ModelConfig(String key, int version, List<ModelVariant> variants, ConfigOrigin origin) {
		this(key, version, variants, null, origin);
	}

	/**
	 * Create a config.
	 * @param key the config key
	 * @param version the config version, 1 or more
	 * @param variants the variants in order, at least one
	 * @param targeting the targeting, or {@code null} for none
	 * @param origin where the config came from
	 */
	public ModelConfig(String key, int version, List<ModelVariant> variants, @Nullable ModelTargeting targeting,
			ConfigOrigin origin) {
		Arguments.hasText(key, "'key' must not be null or blank");
		Arguments.isTrue(version >= 1, () -> "'version' must be 1 or more, was " + version);
		Arguments.notEmpty(variants, "'variants' must not be empty");
		Arguments.notNull(origin, "'origin' must not be null");
		this.key = key;
		this.version = version;
		this.variants = List.copyOf(variants);
		this.origin = origin;
		this.targeting = targeting;
		this.activeTargeting = (targeting != null && targeting.isEnabled()) ? targeting : null;
		this.models = this.variants.stream().map(ModelVariant::model).toArray(String[]::new);
		this.split = WeightedSplit.of(this.variants, ModelVariant::weight);
	}

	public String getKey() {
		return this.key;
	}

	public int getVersion() {
		return this.version;
	}

	public List<ModelVariant> getVariants() {
		return this.variants;
	}

	public ConfigOrigin getOrigin() {
		return this.origin;
	}

	/**
	 * Return the targeting as the backend sent it, disabled or not.
	 * @return the targeting, or {@code null} when the config has none
	 */
	public @Nullable ModelTargeting getTargeting() {
		return this.targeting;
	}

	/**
	 * Find the individual target or rule that decides a session's variant. Allocates
	 * nothing.
	 * @param customerId the customer id, or {@code null}
	 * @param context the caller's context
	 * @return {@link ModelTargeting#NO_MATCH}, or a match for {@link #targetedVariantIndex}
	 */
	int match(@Nullable String customerId, Map<String, String> context) {
		ModelTargeting targeting = this.activeTargeting;
		return (targeting != null) ? targeting.match(customerId, context) : ModelTargeting.NO_MATCH;
	}

	/**
	 * Return the variant a match pins, or {@code -1} when its index is not a variant of
	 * this config (negative too), so that the weighted hash decides.
	 * @param match a match from {@link #match}
	 * @return the variant index, or {@code -1}
	 */
	int targetedVariantIndex(int match) {
		int index = this.activeTargeting.variantIndexOf(match);
		return (index >= 0 && index < this.models.length) ? index : -1;
	}

	/**
	 * Return the index of the variant that owns a bucket: the first whose cumulative
	 * boundary lies above it, else the last.
	 * @param bucket a bucket in {@code [0, 1_000_000)}
	 * @return the variant index
	 */
	public int variantIndexFor(int bucket) {
		return this.split.variantIndexFor(bucket);
	}

	/**
	 * Return the model of a variant.
	 * @param variantIndex the variant index
	 * @return the model name
	 */
	public String modelAt(int variantIndex) {
		return this.models[variantIndex];
	}

	/**
	 * Return a copy of this config with another origin.
	 * @param origin the origin
	 * @return the copy
	 */
	public ModelConfig withOrigin(ConfigOrigin origin) {
		return (origin == this.origin) ? this : new ModelConfig(this.key, this.version, this.variants, this.targeting,
				origin);
	}

	@Override
	public String toString() {
		return "ModelConfig[key=" + this.key + ", version=" + this.version + ", variants=" + this.variants + ", targeting="
				+ this.targeting + ", origin=" + this.origin + "]";
	}

}
