package com.fallom.anthropic;

import com.fallom.prompts.PromptContext;
import org.jspecify.annotations.Nullable;

/**
 * The managed prompt that the calls of the current thread use, until the scope is closed:
 * {@link FallomAnthropic#withPrompt(PromptContext)}. Closing restores the previous one.
 */
public final class PromptScope implements AutoCloseable {

	private static final ThreadLocal<@Nullable PromptContext> current = new ThreadLocal<>();

	private final @Nullable PromptContext previous;

	private final boolean changed;

	private boolean closed;

	PromptScope(@Nullable PromptContext prompt) {
		this.previous = current.get();
		// No prompt (an unmanaged fallback prompt has no context): the scope changes nothing
		this.changed = prompt != null;
		if (prompt != null) {
			current.set(prompt);
		}
	}

	/**
	 * Return the prompt of the current thread's innermost open scope.
	 */
	static @Nullable PromptContext current() {
		return current.get();
	}

	/**
	 * Restore the prompt that was current when the scope opened.
	 */
	@Override
	public void close() {
		if (this.closed || !this.changed) {
			return;
		}
		this.closed = true;
		if (this.previous != null) {
			current.set(this.previous);
		}
		else {
			current.remove();
		}
	}

}
