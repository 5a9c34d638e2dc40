package com.fallom.prompts;

/**
 * Told of every prompt {@link FallomPrompts} gives, e.g. to count prompt A/B assignments.
 * Called on the caller's thread: keep it short and never throw.
 */
public interface PromptListener {

	/**
	 * Called after {@code get}.
	 * @param promptKey the prompt key asked for
	 * @param prompt the prompt given
	 * @param fallback whether it is the caller's fallback
	 */
	default void onPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
	}

	/**
	 * Called after {@code getAb}.
	 * @param abTestKey the prompt A/B test key asked for
	 * @param prompt the prompt given, with the variant index unless it is a fallback
	 * @param fallback whether it is the caller's fallback
	 */
	default void onAbTest(String abTestKey, FallomPrompt prompt, boolean fallback) {
	}

}
