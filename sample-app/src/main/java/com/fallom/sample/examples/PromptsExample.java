package com.fallom.sample.examples;

import java.util.Map;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptFallback;
import com.fallom.springai.FallomPromptMessages;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.stereotype.Service;

/**
 * The Python SDK's {@code prompts.get} and {@code prompts.get_ab}, the Spring way: managed
 * prompts rendered in memory, and sent with Spring AI so that the chat span says which
 * prompt it used.
 */
@Service
public class PromptsExample {

	private final FallomPrompts prompts;

	private final ChatClient chatClient;

	public PromptsExample(FallomPrompts prompts, ChatClient.Builder chatClientBuilder) {
		this.prompts = prompts;
		this.chatClient = chatClientBuilder.build();
	}

	/**
	 * The current and a pinned version of a prompt.
	 * @param message the customer's message
	 * @return the current version
	 */
	public FallomPrompt get(String message) {
		// tag::get[]
		FallomPrompt prompt = this.prompts.get("support-friendly", Map.of("company", "Acme", "message", message));
		// prompt.system(), prompt.user(): the templates with {{ company }} and {{ message }} filled in

		// Pin to a specific version
		FallomPrompt pinned = this.prompts.get("support-friendly", Map.of("company", "Acme"), 1);
		// end::get[]
		return prompt;
	}

	/**
	 * A prompt A/B test, with a fallback.
	 * @param sessionId the session id
	 * @param message the customer's message
	 * @return the prompt the session gets
	 */
	public FallomPrompt getAb(String sessionId, String message) {
		// tag::get-ab[]
		FallomPrompt prompt = this.prompts.getAb("support-system-prompt", sessionId,
				Map.of("company", "Acme", "message", message),
				PromptFallback.of("You are a helpful assistant.", "{{ message }}"));
		// prompt.key(), .version(), .abTestKey(), .variantIndex(): the same for a session every time
		// end::get-ab[]
		return prompt;
	}

	/**
	 * Send a prompt through a {@code ChatClient}.
	 * @param sessionId the session id
	 * @param question the customer's question
	 * @return the answer
	 */
	public String ask(String sessionId, String question) {
		FallomPrompt prompt = getAb(sessionId, question);
		// tag::chat-client[]
		// The whole prompt: its system and user messages
		String answer = this.chatClient.prompt()
			.messages(FallomPromptMessages.messages(prompt))
			.call()
			.content();

		// Or only its system prompt, with your own user message
		String other = this.chatClient.prompt()
			.messages(FallomPromptMessages.systemMessage(prompt))
			.user(question)
			.call()
			.content();
		// end::chat-client[]
		return answer;
	}

}
