package com.fallom.evals;

import java.util.Objects;
import java.util.function.Function;

/**
 * The LLM that scores: it gets the G-Eval prompt as one user message and answers the JSON
 * the prompt asks for. Build one with {@link OpenAiCompatibleClient#judge(String)}, the
 * Spring AI or LangChain4j adapters, or {@link #of(String, Function)}. Implementations are
 * called from several threads at once. Throw {@link EvalHttpException} for an HTTP failure
 * so that 429 and 5xx are retried.
 */
public interface Judge {

	/**
	 * Return the judge model's name: uploaded as {@code judge_model} and part of the cache key.
	 * @return the name
	 */
	String model();

	/**
	 * Ask the judge.
	 * @param prompt the G-Eval prompt
	 * @return the reply, whose content is the judge's JSON
	 * @throws Exception if the call fails; the metric then records the error
	 */
	ChatReply complete(String prompt) throws Exception;

	/**
	 * Create a judge from a function from prompt to reply text.
	 * @param model the judge model's name
	 * @param function the function
	 * @return the judge
	 */
	static Judge of(String model, Function<String, String> function) {
		Objects.requireNonNull(model, "model must not be null");
		Objects.requireNonNull(function, "function must not be null");
		return new Judge() {

			@Override
			public String model() {
				return model;
			}

			@Override
			public ChatReply complete(String prompt) {
				return ChatReply.of(function.apply(prompt));
			}

		};
	}

}
