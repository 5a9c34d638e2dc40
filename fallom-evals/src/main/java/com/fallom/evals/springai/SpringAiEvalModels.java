package com.fallom.evals.springai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fallom.evals.Candidate;
import com.fallom.evals.ChatMessage;
import com.fallom.evals.ChatReply;
import com.fallom.evals.Judge;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * A Spring AI {@link ChatModel} as a judge or a candidate: any provider Spring AI speaks.
 * The judge asks with the model's default options at temperature 0; the JSON answer is the
 * prompt's request, since a response format is provider-specific.
 */
public final class SpringAiEvalModels {

	private SpringAiEvalModels() {
	}

	/**
	 * Return a judge named after the model of the chat model's default options.
	 * @param chatModel the chat model
	 * @return the judge
	 */
	public static Judge judge(ChatModel chatModel) {
		return judge(chatModel, modelName(chatModel));
	}

	/**
	 * Return a judge.
	 * @param chatModel the chat model
	 * @param name the judge model's name, uploaded as {@code judge_model}
	 * @return the judge
	 */
	public static Judge judge(ChatModel chatModel, String name) {
		Objects.requireNonNull(chatModel, "chatModel must not be null");
		Objects.requireNonNull(name, "name must not be null");
		return new Judge() {

			@Override
			public String model() {
				return name;
			}

			@Override
			public ChatReply complete(String prompt) {
				return reply(chatModel.call(prompt(chatModel, List.of(new UserMessage(prompt)), true)));
			}

			@Override
			public String toString() {
				return "SpringAiJudge[" + name + "]";
			}

		};
	}

	/**
	 * Return a candidate named after the model of the chat model's default options.
	 * @param chatModel the chat model
	 * @return the candidate
	 */
	public static Candidate candidate(ChatModel chatModel) {
		return candidate(chatModel, modelName(chatModel));
	}

	/**
	 * Return a candidate.
	 * @param chatModel the chat model
	 * @param name the name results carry
	 * @return the candidate
	 */
	public static Candidate candidate(ChatModel chatModel, String name) {
		Objects.requireNonNull(chatModel, "chatModel must not be null");
		return Candidate.of(name, (messages) -> {
			List<Message> converted = new ArrayList<>(messages.size());
			for (ChatMessage message : messages) {
				converted.add("system".equals(message.role()) ? new SystemMessage(message.content())
						: new UserMessage(message.content()));
			}
			return reply(chatModel.call(prompt(chatModel, converted, false)));
		});
	}

	private static String modelName(ChatModel chatModel) {
		ChatOptions options = chatModel.getDefaultOptions();
		String model = (options != null) ? options.getModel() : null;
		if (model == null || model.isBlank()) {
			throw new IllegalArgumentException(
					"The chat model's default options name no model: pass the name, e.g. judge(chatModel, \"gpt-4o-mini\")");
		}
		return model;
	}

	private static Prompt prompt(ChatModel chatModel, List<Message> messages, boolean judge) {
		ChatOptions defaults = chatModel.getDefaultOptions();
		if (judge && defaults != null) {
			// Scores should not depend on sampling: the SDKs ask at temperature 0 too
			return new Prompt(messages, defaults.mutate().temperature(0.0).build());
		}
		return new Prompt(messages);
	}

	private static ChatReply reply(@Nullable ChatResponse response) {
		if (response == null || response.getResult() == null) {
			return ChatReply.of(null);
		}
		String text = response.getResult().getOutput().getText();
		Usage usage = (response.getMetadata() != null) ? response.getMetadata().getUsage() : null;
		Integer tokensIn = (usage != null) ? usage.getPromptTokens() : null;
		Integer tokensOut = (usage != null) ? usage.getCompletionTokens() : null;
		return new ChatReply(text, tokensIn, tokensOut, null);
	}

}
