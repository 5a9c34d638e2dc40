package com.fallom.prompts;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A prompt A/B test as Fallom defines it: weighted variants, each a prompt at a pinned
 * version or at its current one. Sessions are split exactly as model configs split them.
 * The form of bootstrap tests and of each entry of the backend's
 * {@code /prompt-ab-tests} list.
 *
 * @param key the test key
 * @param version the test version, 1 or more
 * @param variants the variants in order, at least one
 */
public record PromptAbTest(String key, int version, List<Variant> variants) {

	public PromptAbTest {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("Prompt A/B test key must not be null or blank");
		}
		if (version < 1) {
			throw new IllegalArgumentException(
					"Version of prompt A/B test '" + key + "' must be 1 or more, was " + version);
		}
		if (variants == null || variants.isEmpty()) {
			throw new IllegalArgumentException("Prompt A/B test '" + key + "' must have at least one variant");
		}
		variants = List.copyOf(variants);
	}

	/**
	 * One variant of a prompt A/B test.
	 *
	 * @param promptKey the key of its prompt
	 * @param promptVersion the pinned version of the prompt, or {@code null} for its
	 * current version
	 * @param weight its share of sessions in percent, a finite number of 0 or more
	 */
	public record Variant(String promptKey, @Nullable Integer promptVersion, double weight) {

		public Variant {
			if (promptKey == null || promptKey.isBlank()) {
				throw new IllegalArgumentException("Prompt key of a variant must not be null or blank");
			}
			if (promptVersion != null && promptVersion < 1) {
				throw new IllegalArgumentException("Prompt version of a variant must be 1 or more, was " + promptVersion);
			}
			if (!Double.isFinite(weight) || weight < 0) {
				throw new IllegalArgumentException("Weight of a variant must be a finite number of 0 or more, was " + weight);
			}
		}

		/**
		 * A variant that uses the current version of a prompt.
		 * @param promptKey the prompt key
		 * @param weight the share of sessions in percent
		 * @return the variant
		 */
		public static Variant current(String promptKey, double weight) {
			return new Variant(promptKey, null, weight);
		}

		/**
		 * A variant that uses a pinned version of a prompt.
		 * @param promptKey the prompt key
		 * @param promptVersion the version
		 * @param weight the share of sessions in percent
		 * @return the variant
		 */
		public static Variant pinned(String promptKey, int promptVersion, double weight) {
			return new Variant(promptKey, promptVersion, weight);
		}

	}

}
