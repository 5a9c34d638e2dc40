package com.fallom.langchain4j;

import java.util.function.Function;

import com.fallom.models.FallomModels;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link ChatModel} that A/B tests models: each call goes to the model of
 * the variant Fallom assigns to the current session, built once per model name by a
 * factory of yours. Give it to {@code AiServices} and every call of the service is tested
 * without touching the calls: <pre class="code">
 * ChatModel model = FallomChatModel.builder(fallom.models(), "support-assistant")
 *     .fallback("gpt-4o-mini")
 *     .models((name) -> OpenAiChatModel.builder()
 *         .apiKey(key)
 *         .modelName(name)
 *         .listeners(List.of(FallomChatModelListener.create(fallom)))
 *         .build())
 *     .build();
 * Assistant assistant = AiServices.create(Assistant.class, model);
 * try (FallomTrace.Scope scope = fallom.trace().withSession("support-assistant", sessionId)) {
 *     assistant.chat(question);
 * }
 * </pre> The session id comes from the thread's Fallom session (a filter, a scope, or an
 * earlier {@code FallomModels.get}); the assignment then becomes that session, so the
 * call's span carries the config version and variant. Without a session the fallback
 * model answers (logged once), or the call fails with an {@link IllegalStateException}
 * when there is no fallback. The models the factory builds answer with their own
 * listeners and default parameters; this model has none of its own.
 */
public final class FallomChatModel implements ChatModel {

	private final VariantModels<ChatModel> variants;

	private FallomChatModel(VariantModels<ChatModel> variants) {
		this.variants = variants;
	}

	/**
	 * Start building a model that A/B tests the models of a config.
	 * @param models the model assignment of a Fallom engine
	 * @param configKey the config key
	 * @return the builder
	 */
	public static Builder builder(FallomModels models, String configKey) {
		return new Builder(models, configKey);
	}

	@Override
	public ChatResponse chat(ChatRequest chatRequest) {
		return this.variants.current().chat(chatRequest);
	}

	@Override
	public ChatResponse chat(ChatRequest chatRequest, ChatRequestOptions options) {
		return this.variants.current().chat(chatRequest, options);
	}

	@Override
	public ChatResponse doChat(ChatRequest chatRequest) {
		return this.variants.current().doChat(chatRequest);
	}

	@Override
	public ModelProvider provider() {
		return ModelProvider.OTHER;
	}

	@Override
	public String toString() {
		return "FallomChatModel[" + this.variants.configKey() + "]";
	}

	/**
	 * Builds a {@link FallomChatModel}.
	 */
	public static final class Builder {

		private final FallomModels models;

		private final String configKey;

		private @Nullable Integer version;

		private @Nullable String fallback;

		private @Nullable Function<String, ? extends ChatModel> factory;

		private Builder(FallomModels models, String configKey) {
			this.models = models;
			this.configKey = configKey;
		}

		/**
		 * Assign from a pinned config version instead of the latest.
		 * @param version the config version
		 * @return this builder
		 */
		public Builder version(int version) {
			this.version = version;
			return this;
		}

		/**
		 * Use this model when there is no session or no usable config.
		 * @param fallback the fallback model name
		 * @return this builder
		 */
		public Builder fallback(String fallback) {
			this.fallback = fallback;
			return this;
		}

		/**
		 * Build the model of each model name; called once per name.
		 * @param factory the factory, from model name to chat model
		 * @return this builder
		 */
		public Builder models(Function<String, ? extends ChatModel> factory) {
			this.factory = factory;
			return this;
		}

		/**
		 * Build the model.
		 * @return the model
		 * @throws IllegalArgumentException when the config key is blank
		 * @throws NullPointerException when no model factory was given
		 */
		public FallomChatModel build() {
			return new FallomChatModel(
					new VariantModels<>(this.models, this.configKey, this.version, this.fallback, this.factory));
		}

	}

}
