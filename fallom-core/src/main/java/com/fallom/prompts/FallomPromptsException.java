package com.fallom.prompts;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link FallomPrompts} when no prompt can be given and the caller gave no
 * fallback. The message names the prompt or test key, never a variable's value.
 */
public class FallomPromptsException extends RuntimeException {

	private final String key;

	public FallomPromptsException(String key, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.key = key;
	}

	/**
	 * Return the key of the failed call: a prompt key, or a prompt A/B test key.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

}
