package com.fallom.models;

import org.jspecify.annotations.Nullable;
import com.fallom.internal.Arguments;

/**
 * Options of one {@link FallomModels} call: a pinned config version and a fallback model.
 * Immutable; start from {@link #version(int)}, {@link #fallback(String)} or
 * {@link #latest()}:
 *
 * <pre class="code">
 * models.get("summarizer", sessionId, ModelOptions.version(2).withFallback("gpt-4o-mini"));
 * </pre>
 */
public final class ModelOptions {

	private static final ModelOptions LATEST = new ModelOptions(null, null);

	private final @Nullable Integer version;

	private final @Nullable String fallback;

	private ModelOptions(@Nullable Integer version, @Nullable String fallback) {
		this.version = version;
		this.fallback = fallback;
	}

	/**
	 * The latest config version and no fallback: the defaults.
	 * @return the options
	 */
	public static ModelOptions latest() {
		return LATEST;
	}

	/**
	 * Pin a config version.
	 * @param version the version, 1 or more
	 * @return the options
	 */
	public static ModelOptions version(int version) {
		return LATEST.withVersion(version);
	}

	/**
	 * Use the latest version with a fallback model.
	 * @param fallback the model returned when no config can be used
	 * @return the options
	 */
	public static ModelOptions fallback(String fallback) {
		return LATEST.withFallback(fallback);
	}

	/**
	 * Return a copy pinned to a config version.
	 * @param version the version, 1 or more
	 * @return the options
	 */
	public ModelOptions withVersion(int version) {
		Arguments.isTrue(version >= 1, () -> "Config version must be 1 or more, was " + version);
		return new ModelOptions(version, this.fallback);
	}

	/**
	 * Return a copy with a fallback model.
	 * @param fallback the model returned when no config can be used
	 * @return the options
	 */
	public ModelOptions withFallback(String fallback) {
		Arguments.hasText(fallback, "Fallback model must not be null or blank");
		return new ModelOptions(this.version, fallback);
	}

	/**
	 * Return the pinned version.
	 * @return the version, or {@code null} for the latest
	 */
	public @Nullable Integer getVersion() {
		return this.version;
	}

	/**
	 * Return the fallback model.
	 * @return the fallback, or {@code null} when the call should fail instead
	 */
	public @Nullable String getFallback() {
		return this.fallback;
	}

	@Override
	public String toString() {
		return "ModelOptions[version=" + ((this.version != null) ? this.version : "latest") + ", fallback="
				+ this.fallback + "]";
	}

}
