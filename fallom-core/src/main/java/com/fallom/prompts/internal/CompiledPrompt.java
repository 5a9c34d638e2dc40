package com.fallom.prompts.internal;

import java.util.Map;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.PromptVersion;
import org.jspecify.annotations.Nullable;

/**
 * A prompt version with its two templates parsed, once, when the registry takes it in.
 * Immutable and thread-safe. Internal API.
 */
public final class CompiledPrompt {

	private final PromptVersion definition;

	private final Template system;

	private final Template user;

	private CompiledPrompt(PromptVersion definition) {
		this.definition = definition;
		this.system = Template.parse(definition.systemPrompt());
		this.user = Template.parse(definition.userTemplate());
	}

	/**
	 * Parse the templates of a prompt version.
	 * @param definition the prompt version
	 * @return the compiled prompt
	 */
	public static CompiledPrompt compile(PromptVersion definition) {
		return new CompiledPrompt(definition);
	}

	public PromptVersion definition() {
		return this.definition;
	}

	public String key() {
		return this.definition.key();
	}

	public int version() {
		return this.definition.version();
	}

	/**
	 * Render the prompt; the same variables apply to the system prompt and the user
	 * message.
	 * @param variables the variables, or {@code null}
	 * @param abTestKey the A/B test that chose the prompt, or {@code null}
	 * @param variantIndex the test's variant, or {@code null}
	 * @return the rendered prompt
	 */
	public FallomPrompt render(@Nullable Map<String, ?> variables, @Nullable String abTestKey,
			@Nullable Integer variantIndex) {
		return new FallomPrompt(key(), version(), this.system.render(variables), this.user.render(variables),
				abTestKey, variantIndex);
	}

	@Override
	public String toString() {
		return "CompiledPrompt[key=" + key() + ", version=" + version() + "]";
	}

}
