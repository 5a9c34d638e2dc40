package com.fallom.prompts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.tracing.FallomAttributes;
import org.jspecify.annotations.Nullable;

/**
 * Which managed prompt a chat call used, as span attributes: {@code fallom.prompt_key},
 * {@code fallom.prompt_version} and, for a prompt A/B test, {@code fallom.prompt_ab_test}
 * and {@code fallom.prompt_variant}. Holds no prompt text and no variable value, so it may
 * be exported with content capture off. An immutable value: whoever scopes it (a session
 * context, a chat request) decides how long it applies.
 *
 * @param promptKey the prompt key
 * @param promptVersion the prompt version, 1 or more
 * @param abTestKey the prompt A/B test key, or {@code null} when no test chose the prompt
 * @param variantIndex the position of the test's variant, or {@code null} without a test
 */
public record PromptContext(String promptKey, int promptVersion, @Nullable String abTestKey,
		@Nullable Integer variantIndex) {

	/** Span attribute: the prompt key. */
	public static final String PROMPT_KEY = FallomAttributes.PROMPT_KEY;

	/** Span attribute: the prompt version, an integer. */
	public static final String PROMPT_VERSION = FallomAttributes.PROMPT_VERSION;

	/** Span attribute: the prompt A/B test key. */
	public static final String PROMPT_AB_TEST = FallomAttributes.PROMPT_AB_TEST;

	/** Span attribute: the position of the A/B test's variant, an integer. */
	public static final String PROMPT_VARIANT = FallomAttributes.PROMPT_VARIANT;

	public PromptContext {
		if (promptKey == null || promptKey.isBlank()) {
			throw new IllegalArgumentException("Prompt key must not be null or blank");
		}
		if ((abTestKey == null) != (variantIndex == null)) {
			throw new IllegalArgumentException("A/B test key and variant index go together");
		}
	}

	/**
	 * Read a context back from attributes written by {@link #attributes()}, e.g. carried
	 * in a chat message's metadata.
	 * @param attributes the attributes, which may hold others too
	 * @return the context, or {@code null} when the attributes name no valid prompt
	 */
	public static @Nullable PromptContext fromAttributes(Map<String, ?> attributes) {
		if (attributes.get(PROMPT_KEY) instanceof String key && !key.isBlank()
				&& attributes.get(PROMPT_VERSION) instanceof Number version && version.intValue() >= 1) {
			Object abTest = attributes.get(PROMPT_AB_TEST);
			Object variant = attributes.get(PROMPT_VARIANT);
			if (abTest instanceof String abTestKey && variant instanceof Number variantIndex
					&& variantIndex.intValue() >= 0) {
				return new PromptContext(key, version.intValue(), abTestKey, variantIndex.intValue());
			}
			return new PromptContext(key, version.intValue(), null, null);
		}
		return null;
	}

	/**
	 * Return the span attributes, in the order above; integers as {@link Integer}.
	 * @return the attributes, unmodifiable
	 */
	public Map<String, Object> attributes() {
		Map<String, Object> attributes = new LinkedHashMap<>(8);
		attributes.put(PROMPT_KEY, this.promptKey);
		attributes.put(PROMPT_VERSION, this.promptVersion);
		if (this.abTestKey != null && this.variantIndex != null) {
			attributes.put(PROMPT_AB_TEST, this.abTestKey);
			attributes.put(PROMPT_VARIANT, this.variantIndex);
		}
		return Collections.unmodifiableMap(attributes);
	}

}
