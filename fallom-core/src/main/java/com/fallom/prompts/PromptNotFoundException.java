package com.fallom.prompts;

/**
 * Thrown by {@link FallomPrompts} when a prompt, a pinned version of it, or a prompt A/B
 * test is unknown, or a test's variant names a prompt version that is unknown, and the
 * caller gave no fallback.
 */
public class PromptNotFoundException extends FallomPromptsException {

	public PromptNotFoundException(String key, String message) {
		super(key, message, null);
	}

}
