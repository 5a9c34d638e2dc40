package com.fallom.evals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;

/**
 * A model that answers a dataset's inputs again in a comparison: the system message (when
 * there is one) and the input as a chat. Build one with
 * {@link OpenAiCompatibleClient#candidate(String)}, the Spring AI or LangChain4j adapters,
 * {@link #of(String, Function)}, or one per variant of a Fallom model config with
 * {@link #variantsOf(ModelConfig, Function)}. Implementations are called from several
 * threads at once.
 */
public interface Candidate {

	/**
	 * Return the name the results carry as {@code model}.
	 * @return the name
	 */
	String name();

	/**
	 * Generate an answer.
	 * @param messages the system message, if any, then the user input
	 * @return the reply
	 * @throws Exception if the call fails; the result then records the error
	 */
	ChatReply generate(List<ChatMessage> messages) throws Exception;

	/**
	 * Create a candidate from a function.
	 * @param name the name results carry
	 * @param function the function from messages to reply
	 * @return the candidate
	 */
	static Candidate of(String name, Function<List<ChatMessage>, ChatReply> function) {
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(function, "function must not be null");
		return new Candidate() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public ChatReply generate(List<ChatMessage> messages) {
				return function.apply(messages);
			}

		};
	}

	/**
	 * Create one candidate per model the variants of a Fallom model config name, in the
	 * variants' order, each model once: the question an A/B test asks, answered offline on
	 * a dataset before the test runs.
	 * @param config the config, e.g. from {@code fallomModels.getRegistry().getLatest("summarizer")}
	 * @param candidateForModel makes the candidate of a model, e.g. {@code client::candidate}
	 * @return the candidates
	 */
	static List<Candidate> variantsOf(ModelConfig config, Function<String, Candidate> candidateForModel) {
		Objects.requireNonNull(config, "config must not be null");
		Objects.requireNonNull(candidateForModel, "candidateForModel must not be null");
		Set<String> models = new LinkedHashSet<>();
		for (ModelVariant variant : config.getVariants()) {
			models.add(variant.model());
		}
		List<Candidate> candidates = new ArrayList<>(models.size());
		for (String model : models) {
			candidates.add(Objects.requireNonNull(candidateForModel.apply(model), "no candidate for " + model));
		}
		return List.copyOf(candidates);
	}

	/**
	 * Create one candidate per model the variants of a config name, the config's latest
	 * version as the Fallom engine has synced it (e.g. {@code fallom.models()}).
	 * @param models the engine's models
	 * @param configKey the config key
	 * @param candidateForModel makes the candidate of a model
	 * @return the candidates
	 * @throws IllegalArgumentException if the engine knows no such config
	 */
	static List<Candidate> variantsOf(FallomModels models, String configKey,
			Function<String, Candidate> candidateForModel) {
		Objects.requireNonNull(models, "models must not be null");
		Objects.requireNonNull(configKey, "configKey must not be null");
		ModelConfig config = models.getRegistry().getLatest(configKey);
		if (config == null) {
			throw new IllegalArgumentException(
					"No model config '" + configKey + "': not synced (offline, or not fetched yet) and not bootstrapped");
		}
		return variantsOf(config, candidateForModel);
	}

}
