package com.fallom.prompts;

import java.util.Map;
import java.util.Objects;

import com.fallom.prompts.internal.Template;
import org.jspecify.annotations.Nullable;

/**
 * What {@link FallomPrompts} gives when the prompt or test is unknown or anything fails:
 * either a {@link FallomPrompt} as it is, or a system/user template pair written in code,
 * rendered with the call's variables exactly as a managed prompt is. Immutable: keep one
 * in a constant, the templates are parsed once.
 *
 * <pre class="code">
 * static final PromptFallback SUPPORT = PromptFallback.of("You help {{company}} customers.", "{{question}}");
 * FallomPrompt prompt = prompts.getAb("support-test", sessionId, variables, SUPPORT);
 * </pre>
 */
public final class PromptFallback {

	private final @Nullable FallomPrompt prompt;

	private final @Nullable Template system;

	private final @Nullable Template user;

	private PromptFallback(@Nullable FallomPrompt prompt, @Nullable Template system, @Nullable Template user) {
		this.prompt = prompt;
		this.system = system;
		this.user = user;
	}

	/**
	 * Fall back to a prompt, returned as it is.
	 * @param prompt the prompt
	 * @return the fallback
	 */
	public static PromptFallback of(FallomPrompt prompt) {
		return new PromptFallback(Objects.requireNonNull(prompt, "prompt must not be null"), null, null);
	}

	/**
	 * Fall back to a system/user template pair, rendered with the call's variables. The
	 * prompt given has the key asked for and version {@value FallomPrompt#FALLBACK_VERSION}.
	 * @param systemTemplate the system prompt template
	 * @param userTemplate the user message template
	 * @return the fallback
	 */
	public static PromptFallback of(String systemTemplate, String userTemplate) {
		Objects.requireNonNull(systemTemplate, "systemTemplate must not be null");
		Objects.requireNonNull(userTemplate, "userTemplate must not be null");
		return new PromptFallback(null, Template.parse(systemTemplate), Template.parse(userTemplate));
	}

	FallomPrompt resolve(String key, @Nullable Map<String, ?> variables) {
		if (this.prompt != null) {
			return this.prompt;
		}
		Template system = Objects.requireNonNull(this.system);
		Template user = Objects.requireNonNull(this.user);
		return FallomPrompt.of(key, system.render(variables), user.render(variables));
	}

	@Override
	public String toString() {
		return (this.prompt != null) ? "PromptFallback[" + this.prompt + "]" : "PromptFallback[templates]";
	}

}
