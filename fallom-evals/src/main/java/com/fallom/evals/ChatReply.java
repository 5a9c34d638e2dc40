package com.fallom.evals;

import org.jspecify.annotations.Nullable;

/**
 * What a judge or a candidate model answered, with its usage when known.
 *
 * @param content the text; {@code null} when the model sent none
 * @param tokensIn the prompt tokens, or {@code null}
 * @param tokensOut the completion tokens, or {@code null}
 * @param cost the cost in dollars, or {@code null}
 */
public record ChatReply(@Nullable String content, @Nullable Integer tokensIn, @Nullable Integer tokensOut,
		@Nullable Double cost) {

	/**
	 * Create a reply without usage.
	 * @param content the text
	 * @return the reply
	 */
	public static ChatReply of(@Nullable String content) {
		return new ChatReply(content, null, null, null);
	}

}
