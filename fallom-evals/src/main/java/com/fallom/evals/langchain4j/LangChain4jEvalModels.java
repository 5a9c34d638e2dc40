package com.fallom.evals.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fallom.evals.Candidate;
import com.fallom.evals.ChatMessage;
import com.fallom.evals.ChatReply;
import com.fallom.evals.Judge;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

/**
 * A LangChain4j {@link ChatModel} as a judge or a candidate. The judge asks at temperature
 * 0 for a JSON answer, as the SDKs do.
 */
public final class LangChain4jEvalModels {

	private LangChain4jEvalModels() {
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
				ChatRequest request = ChatRequest.builder()
					.messages(List.of(UserMessage.from(prompt)))
					.temperature(0.0)
					.responseFormat(ResponseFormat.JSON)
					.build();
				return reply(chatModel.chat(request));
			}

			@Override
			public String toString() {
				return "LangChain4jJudge[" + name + "]";
			}

		};
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
			List<dev.langchain4j.data.message.ChatMessage> converted = new ArrayList<>(messages.size());
			for (ChatMessage message : messages) {
				converted.add("system".equals(message.role()) ? SystemMessage.from(message.content())
						: UserMessage.from(message.content()));
			}
			return reply(chatModel.chat(ChatRequest.builder().messages(converted).build()));
		});
	}

	private static ChatReply reply(ChatResponse response) {
		String text = (response.aiMessage() != null) ? response.aiMessage().text() : null;
		TokenUsage usage = response.tokenUsage();
		return new ChatReply(text, (usage != null) ? usage.inputTokenCount() : null,
				(usage != null) ? usage.outputTokenCount() : null, null);
	}

}
