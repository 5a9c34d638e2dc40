package com.fallom.langchain4j;

import java.util.function.Function;

import com.fallom.models.FallomModels;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import org.jspecify.annotations.Nullable;

/**
 * The streaming twin of {@link FallomChatModel}: each call streams from the model of the
 * variant Fallom assigns to the current session, built once per model name by a factory
 * of yours. The variant is picked on the calling thread, before the stream starts:
 * <pre class="code">
 * StreamingChatModel model = FallomStreamingChatModel.builder(fallom.models(), "support-assistant")
 *     .fallback("gpt-4o-mini")
 *     .models((name) -> OpenAiStreamingChatModel.builder()
 *         .apiKey(key)
 *         .modelName(name)
 *         .listeners(List.of(FallomChatModelListener.create(fallom)))
 *         .build())
 *     .build();
 * model.chat(request, handler); // inside a Fallom session
 * </pre> The session id comes from the thread's Fallom session (a filter, a scope, or an
 * earlier {@code FallomModels.get}); the assignment then becomes that session, so the
 * call's span carries the config version and variant. Without a session the fallback
 * model answers (logged once), or the call fails with an {@link IllegalStateException}
 * when there is no fallback. The models the factory builds answer with their own
 * listeners and default parameters; this model has none of its own. It tells
 * {@link FallomChatModelListener} that the call streams and when the first token reached
 * the caller, so the span also carries {@code gen_ai.request.stream} and
 * {@code fallom.time_to_first_token_ms}.
 */
public final class FallomStreamingChatModel implements StreamingChatModel {

	private final VariantModels<StreamingChatModel> variants;

	private FallomStreamingChatModel(VariantModels<StreamingChatModel> variants) {
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
	public void chat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
		chat(chatRequest, ChatRequestOptions.EMPTY, handler);
	}

	@Override
	public void chat(ChatRequest chatRequest, ChatRequestOptions options, StreamingChatResponseHandler handler) {
		StreamingChatModel model = this.variants.current();
		StreamTiming timing = new StreamTiming();
		model.chat(chatRequest, StreamTiming.attach(options, timing), timing.timed(handler));
	}

	@Override
	public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
		this.variants.current().doChat(chatRequest, handler);
	}

	@Override
	public ModelProvider provider() {
		return ModelProvider.OTHER;
	}

	@Override
	public String toString() {
		return "FallomStreamingChatModel[" + this.variants.configKey() + "]";
	}

	/**
	 * Builds a {@link FallomStreamingChatModel}.
	 */
	public static final class Builder {

		private final FallomModels models;

		private final String configKey;

		private @Nullable Integer version;

		private @Nullable String fallback;

		private @Nullable Function<String, ? extends StreamingChatModel> factory;

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
		 * @param factory the factory, from model name to streaming chat model
		 * @return this builder
		 */
		public Builder models(Function<String, ? extends StreamingChatModel> factory) {
			this.factory = factory;
			return this;
		}

		/**
		 * Build the model.
		 * @return the model
		 * @throws IllegalArgumentException when the config key is blank
		 * @throws NullPointerException when no model factory was given
		 */
		public FallomStreamingChatModel build() {
			return new FallomStreamingChatModel(
					new VariantModels<>(this.models, this.configKey, this.version, this.fallback, this.factory));
		}

	}

}
