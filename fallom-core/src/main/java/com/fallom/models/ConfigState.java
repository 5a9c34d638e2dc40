package com.fallom.models;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An immutable view of the configs being served: the latest version of each config key,
 * and the layer they come from.
 *
 * @param configs the configs by key
 * @param origin the layer served, or {@code null} when there are no configs at all
 * @param updatedAt when the layer was fetched or written, or {@code null} for bootstrap
 * configs
 */
public record ConfigState(Map<String, ModelConfig> configs, @Nullable ConfigOrigin origin,
		@Nullable Instant updatedAt) {

	static final ConfigState EMPTY = new ConfigState(Map.of(), null, null);

	public ConfigState {
		configs = Map.copyOf(configs);
	}

	/**
	 * Return how old the configs are.
	 * @param now the current time
	 * @return the age, never negative, or {@code null} for bootstrap configs
	 */
	public @Nullable Duration age(Instant now) {
		if (this.updatedAt == null) {
			return null;
		}
		Duration age = Duration.between(this.updatedAt, now);
		// The file time of a snapshot and our clock may disagree a little.
		return age.isNegative() ? Duration.ZERO : age;
	}

}
