package com.fallom.springai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.PromptContext;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Turns a {@link FallomPrompt} into Spring AI messages and prompts. Each message carries
 * the prompt's {@link PromptContext} attributes ({@code fallom.prompt_key},
 * {@code fallom.prompt_version}, and for an A/B test {@code fallom.prompt_ab_test} and
 * {@code fallom.prompt_variant}) in its metadata, which Spring AI does not send to the
 * model: the context travels with the request itself, so {@link #contextOf(Prompt)} finds
 * it again for the chat call's span, whatever thread runs it.
 *
 * <pre class="code">
 * FallomPrompt prompt = prompts.getAb("support-test", sessionId, Map.of("question", question));
 * ChatResponse response = chatModel.call(FallomPromptMessages.prompt(prompt));
 * String answer = chatClient.prompt().messages(FallomPromptMessages.messages(prompt)).call().content();
 * </pre>
 *
 * With a {@code ChatClient}, pass the messages with {@code messages(...)}: they reach the
 * model as they are, metadata included, and the client's template renderer does not
 * touch the rendered text. A call whose messages came from no managed prompt carries no
 * prompt tags, even on a thread that made one before.
 */
public final class FallomPromptMessages {

	private FallomPromptMessages() {
	}

	/**
	 * Return the system message, when the system prompt is not empty, and the user
	 * message.
	 * @param prompt the prompt
	 * @return the messages
	 */
	public static List<Message> messages(FallomPrompt prompt) {
		Map<String, Object> attributes = prompt.attributes();
		List<Message> messages = new ArrayList<>(2);
		if (!prompt.system().isEmpty()) {
			messages.add(SystemMessage.builder().text(prompt.system()).metadata(new HashMap<>(attributes)).build());
		}
		messages.add(UserMessage.builder().text(prompt.user()).metadata(new HashMap<>(attributes)).build());
		return messages;
	}

	/**
	 * Return the system message alone, carrying the prompt context, for a call whose user
	 * message the application writes itself, e.g. with a {@code ChatClient}:
	 * <pre class="code">
	 * chatClient.prompt().messages(FallomPromptMessages.systemMessage(prompt)).user(question).call();
	 * </pre>
	 * @param prompt the prompt
	 * @return the system message
	 */
	public static SystemMessage systemMessage(FallomPrompt prompt) {
		return SystemMessage.builder().text(prompt.system()).metadata(new HashMap<>(prompt.attributes())).build();
	}

	/**
	 * Return a Spring AI prompt of the messages.
	 * @param prompt the prompt
	 * @return the Spring AI prompt
	 */
	public static Prompt prompt(FallomPrompt prompt) {
		return new Prompt(messages(prompt));
	}

	/**
	 * Return a Spring AI prompt of the messages with chat options.
	 * @param prompt the prompt
	 * @param options the chat options
	 * @return the Spring AI prompt
	 */
	public static Prompt prompt(FallomPrompt prompt, ChatOptions options) {
		return new Prompt(messages(prompt), options);
	}

	/**
	 * Return the context of the managed prompt a Spring AI prompt was made from: that of
	 * its last message that carries one, as the latest turn is the one just rendered.
	 * @param prompt the Spring AI prompt
	 * @return the context, or {@code null} when no message came from a managed prompt
	 */
	public static @Nullable PromptContext contextOf(Prompt prompt) {
		List<Message> messages = prompt.getInstructions();
		for (int i = messages.size() - 1; i >= 0; i--) {
			PromptContext context = PromptContext.fromAttributes(messages.get(i).getMetadata());
			if (context != null) {
				return context;
			}
		}
		return null;
	}

}
