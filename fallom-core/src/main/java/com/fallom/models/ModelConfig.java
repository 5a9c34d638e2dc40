package com.fallom.models;

import java.util.List;

import com.fallom.internal.Arguments;
import com.fallom.internal.WeightedSplit;

/**
 * One version of a model config: the variants a session is assigned among. Immutable;
 * the cumulative bucket boundaries are computed once so that assignment is a short scan.
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

	/**
	 * Create a config.
	 * @param key the config key
	 * @param version the config version, 1 or more
	 * @param variants the variants in order, at least one
	 * @param origin where the config came from
	 */
	public ModelConfig(String key, int version, List<ModelVariant> variants, ConfigOrigin origin) {
		Arguments.hasText(key, "'key' must not be null or blank");
		Arguments.isTrue(version >= 1, () -> "'version' must be 1 or more, was " + version);
		Arguments.notEmpty(variants, "'variants' must not be empty");
		Arguments.notNull(origin, "'origin' must not be null");
		this.key = key;
		this.version = version;
		this.variants = List.copyOf(variants);
		this.origin = origin;
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
		return (origin == this.origin) ? this : new ModelConfig(this.key, this.version, this.variants, origin);
	}

	@Override
	public String toString() {
		return "ModelConfig[key=" + this.key + ", version=" + this.version + ", variants=" + this.variants + ", origin="
				+ this.origin + "]";
	}

}
