package com.fallom.models;

import java.util.Map;

import com.fallom.internal.Arguments;
import org.jspecify.annotations.Nullable;

/**
 * Options of one {@link FallomModels} call: a pinned config version, a fallback model, and
 * the customer id and context that targeting reads. Immutable; start from
 * {@link #version(int)}, {@link #fallback(String)}, {@link #customerId(String)},
 * {@link #context(Map)} or {@link #latest()}:
 *
 * <pre class="code">
 * models.get("summarizer", sessionId, ModelOptions.version(2).withFallback("gpt-4o-mini"));
 * models.get("summarizer", sessionId, ModelOptions.customerId(userId).withContext(Map.of("plan", "enterprise")));
 * </pre>
 */
public final class ModelOptions {

	private static final ModelOptions LATEST = new ModelOptions(null, null, null, Map.of());

	private final @Nullable Integer version;

	private final @Nullable String fallback;

	private final @Nullable String customerId;

	private final Map<String, String> context;

	private ModelOptions(@Nullable Integer version, @Nullable String fallback, @Nullable String customerId,
			Map<String, String> context) {
		this.version = version;
		this.fallback = fallback;
		this.customerId = customerId;
		this.context = context;
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
	 * Use the latest version for a customer, whom targeting may pin to a variant.
	 * @param customerId the customer id; {@code null} or blank means none
	 * @return the options
	 */
	public static ModelOptions customerId(@Nullable String customerId) {
		return LATEST.withCustomerId(customerId);
	}

	/**
	 * Use the latest version with a context that targeting rules read.
	 * @param context the context fields, e.g. {@code plan} and {@code region}
	 * @return the options
	 */
	public static ModelOptions context(Map<String, String> context) {
		return LATEST.withContext(context);
	}

	/**
	 * Return a copy pinned to a config version.
	 * @param version the version, 1 or more
	 * @return the options
	 */
	public ModelOptions withVersion(int version) {
		Arguments.isTrue(version >= 1, () -> "Config version must be 1 or more, was " + version);
		return new ModelOptions(version, this.fallback, this.customerId, this.context);
	}

	/**
	 * Return a copy with a fallback model.
	 * @param fallback the model returned when no config can be used
	 * @return the options
	 */
	public ModelOptions withFallback(String fallback) {
		Arguments.hasText(fallback, "Fallback model must not be null or blank");
		return new ModelOptions(this.version, fallback, this.customerId, this.context);
	}

	/**
	 * Return a copy for a customer. It fills the {@code customerId} field of targeting,
	 * overriding a context entry of that name. Without one, the customer id of the current
	 * Fallom session (set by the web filters or {@code FallomTrace}) is used.
	 * @param customerId the customer id; {@code null} or blank means none
	 * @return the options
	 */
	public ModelOptions withCustomerId(@Nullable String customerId) {
		String id = Arguments.hasText(customerId) ? customerId : null;
		return new ModelOptions(this.version, this.fallback, id, this.context);
	}

	/**
	 * Return a copy with a context that targeting rules read; the map is copied.
	 * @param context the context fields, e.g. {@code plan} and {@code region}
	 * @return the options
	 */
	public ModelOptions withContext(Map<String, String> context) {
		Arguments.notNull(context, "Context must not be null");
		Map<String, String> copy;
		try {
			// Returns a Map.of(...) as it is: immutable already, so no copy per call.
			copy = Map.copyOf(context);
		}
		catch (NullPointerException ex) {
			throw new IllegalArgumentException("Context names and values must not be null", ex);
		}
		return new ModelOptions(this.version, this.fallback, this.customerId, copy);
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

	/**
	 * Return the customer id.
	 * @return the customer id, or {@code null} when none was given
	 */
	public @Nullable String getCustomerId() {
		return this.customerId;
	}

	/**
	 * Return the context targeting rules read.
	 * @return the context, unmodifiable, empty when none was given
	 */
	public Map<String, String> getContext() {
		return this.context;
	}

	@Override
	public String toString() {
		// Customer ids and context values identify people: say whether they are set only.
		return "ModelOptions[version=" + ((this.version != null) ? this.version : "latest") + ", fallback="
				+ this.fallback + ", customerId=" + ((this.customerId != null) ? "<set>" : "none") + ", context="
				+ this.context.keySet() + "]";
	}

}
