package com.fallom.prompts;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A rendered prompt: the system prompt and user message to send, and which managed prompt
 * they came from. Version {@value #FALLBACK_VERSION} marks a prompt that Fallom did not
 * provide (a fallback), which carries no span attributes.
 * <p>
 * {@link #toString()} leaves the text out, so that logging a prompt never leaks it.
 *
 * @param key the prompt key
 * @param version the prompt version, or {@value #FALLBACK_VERSION} for a fallback
 * @param system the rendered system prompt
 * @param user the rendered user message
 * @param abTestKey the prompt A/B test that chose this prompt, or {@code null}
 * @param variantIndex the position of the test's variant, or {@code null} without a test
 */
public record FallomPrompt(String key, int version, String system, String user, @Nullable String abTestKey,
		@Nullable Integer variantIndex) {

	/** The version of a prompt that Fallom did not provide. */
	public static final int FALLBACK_VERSION = 0;

	public FallomPrompt {
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("Prompt key must not be null or blank");
		}
		if (version < 0) {
			throw new IllegalArgumentException("Version of prompt '" + key + "' must be 0 or more, was " + version);
		}
		Objects.requireNonNull(system, "system must not be null");
		Objects.requireNonNull(user, "user must not be null");
		if ((abTestKey == null) != (variantIndex == null)) {
			throw new IllegalArgumentException("A/B test key and variant index of prompt '" + key + "' go together");
		}
		if (variantIndex != null && variantIndex < 0) {
			throw new IllegalArgumentException("Variant index of prompt '" + key + "' must be 0 or more");
		}
	}

	/**
	 * Create a prompt that Fallom did not provide, e.g. a fallback written in code.
	 * @param key the prompt key
	 * @param system the system prompt
	 * @param user the user message
	 * @return the prompt, with version {@value #FALLBACK_VERSION}
	 */
	public static FallomPrompt of(String key, String system, String user) {
		return new FallomPrompt(key, FALLBACK_VERSION, system, user, null, null);
	}

	/**
	 * Return whether Fallom provided this prompt, as opposed to a fallback.
	 * @return whether the version is 1 or more
	 */
	public boolean isManaged() {
		return this.version != FALLBACK_VERSION;
	}

	/**
	 * Return which managed prompt this is, for spans.
	 * @return the context, or {@code null} for a fallback
	 */
	public @Nullable PromptContext context() {
		return isManaged() ? new PromptContext(this.key, this.version, this.abTestKey, this.variantIndex) : null;
	}

	/**
	 * Return the span attributes of a chat call that uses this prompt.
	 * @return the attributes of {@link #context()}, or none for a fallback
	 */
	public Map<String, Object> attributes() {
		PromptContext context = context();
		return (context != null) ? context.attributes() : Map.of();
	}

	@Override
	public String toString() {
		// The text and the variables in it may be private: never in a log line.
		return "FallomPrompt[key=" + this.key + ", version=" + this.version + ", abTestKey=" + this.abTestKey
				+ ", variantIndex=" + this.variantIndex + ", system=" + this.system.length() + " chars, user="
				+ this.user.length() + " chars]";
	}

}
