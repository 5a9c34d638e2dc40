package com.fallom.evals;

import java.util.Objects;

/**
 * One message of a chat handed to a candidate model.
 *
 * @param role {@code system} or {@code user}
 * @param content the text
 */
public record ChatMessage(String role, String content) {

	public ChatMessage {
		Objects.requireNonNull(role, "role must not be null");
		Objects.requireNonNull(content, "content must not be null");
	}

}
