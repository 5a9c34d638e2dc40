package com.fallom.prompts;

import java.util.Objects;

/**
 * One version of a managed prompt as Fallom defines it: a system prompt and a user
 * template, both with {@code {{ name }}} placeholders. The form of bootstrap prompts and of
 * each entry of the backend's {@code /prompts} list.
 *
 * @param key the prompt key
 * @param version the version, 1 or more
 * @param systemPrompt the system prompt template
 * @param userTemplate the user message template
 */
public record PromptVersion(String key, int version, String systemPrompt, String userTemplate) {

	public PromptVersion {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("Prompt key must not be null or blank");
		}
		if (version < 1) {
			throw new IllegalArgumentException("Version of prompt '" + key + "' must be 1 or more, was " + version);
		}
		Objects.requireNonNull(systemPrompt, "systemPrompt must not be null");
		Objects.requireNonNull(userTemplate, "userTemplate must not be null");
	}

	@Override
	public String toString() {
		// The text may hold what must not reach logs when content capture is off.
		return "PromptVersion[key=" + this.key + ", version=" + this.version + ", systemPrompt="
				+ this.systemPrompt.length() + " chars, userTemplate=" + this.userTemplate.length() + " chars]";
	}

}
