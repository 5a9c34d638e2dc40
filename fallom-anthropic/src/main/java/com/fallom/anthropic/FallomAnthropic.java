package com.fallom.anthropic;

import java.util.Objects;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelOptions;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import io.opentelemetry.api.trace.Tracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Traces the official Anthropic Java SDK's clients to Fallom, the Java twin of the Python
 * SDK's {@code wrap_anthropic}. Build your client as usual and wrap it:
 * <pre class="code">
 * AnthropicClient client = FallomAnthropic.create(fallom).wrap(AnthropicOkHttpClient.fromEnv());
 * try (FallomTrace.Scope scope = fallom.trace().withSession("support-bot", sessionId)) {
 *     Message answer = client.messages().create(params); // one trace record
 * }
 * </pre>
 * Every {@code messages().create} and {@code createStreaming} call, sync or async, sends
 * the record the Python SDK sends for {@code messages.create} (raw request, response and
 * usage in Anthropic's shape) with the thread's Fallom session and
 * {@linkplain #withPrompt(PromptContext) prompt}; a stream's record also carries
 * {@code is_streaming} and {@code time_to_first_token_ms} and is sent when the stream ends,
 * while the caller gets each event as it arrives. An error is recorded with status
 * {@code ERROR} and reaches the caller unchanged; the SDK's retries make one record, whose
 * {@code fallom.attempts} counts them. Everything else the client does passes through.
 * <p>
 * With {@link Builder#routeModels()}, a call made inside a session takes the model of the
 * session's variant of its config (the model you wrote is the fallback); {@link #model}
 * picks the model of one call instead.
 */
public final class FallomAnthropic {

	private static final Log logger = LogFactory.getLog(FallomAnthropic.class);

	private final Tracer tracer;

	private final boolean captureContent;

	private final @Nullable FallomModels models;

	private final @Nullable ModelOptions routing;

	/**
	 * Create an instance.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether records may carry the messages, answers, tool names
	 * and arguments and error messages
	 * @param models the model assignment, for routing, or {@code null} not to route
	 * @param routing the options of routed assignments (a pinned config version), or
	 * {@code null} not to route
	 */
	public FallomAnthropic(Tracer tracer, boolean captureContent, @Nullable FallomModels models,
			@Nullable ModelOptions routing) {
		this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
		this.captureContent = captureContent;
		this.models = models;
		this.routing = (models != null) ? routing : null;
	}

	/**
	 * Return an instance that traces to a Fallom engine and follows its content capture
	 * setting, without model routing.
	 * @param fallom the engine
	 * @return the instance
	 */
	public static FallomAnthropic create(Fallom fallom) {
		return builder(fallom).build();
	}

	/**
	 * Start building an instance that traces to a Fallom engine.
	 * @param fallom the engine
	 * @return the builder
	 */
	public static Builder builder(Fallom fallom) {
		return new Builder(Objects.requireNonNull(fallom, "fallom must not be null"));
	}

	/**
	 * Return a client that traces the calls of the given one; wrapping a traced client
	 * returns it as it is.
	 * @param client the client, built as usual
	 * @return the traced client, sharing the given one's connections and options
	 */
	public AnthropicClient wrap(AnthropicClient client) {
		Objects.requireNonNull(client, "client must not be null");
		if (TracingHandler.isTraced(client)) {
			return client;
		}
		return TracingHandler.client(client.withOptions((options) -> options.addInterceptor(AttemptCounter.INSTANCE)),
				this);
	}

	/**
	 * Return an async client that traces the calls of the given one; wrapping a traced
	 * client returns it as it is.
	 * @param client the client, built as usual
	 * @return the traced client, sharing the given one's connections and options
	 */
	public AnthropicClientAsync wrap(AnthropicClientAsync client) {
		Objects.requireNonNull(client, "client must not be null");
		if (TracingHandler.isTraced(client)) {
			return client;
		}
		return TracingHandler.client(client.withOptions((options) -> options.addInterceptor(AttemptCounter.INSTANCE)),
				this);
	}

	/**
	 * Tag the calls this thread makes with a managed prompt until the scope is closed:
	 * <pre class="code">
	 * FallomPrompt prompt = fallom.prompts().get("support-agent", variables);
	 * try (PromptScope scope = FallomAnthropic.withPrompt(prompt.context())) {
	 *     client.messages().create(params);
	 * }
	 * </pre>
	 * @param prompt the prompt's context, or {@code null} (a fallback prompt that is not
	 * managed) for a scope that changes nothing
	 * @return the scope, which restores the previous prompt when closed
	 */
	public static PromptScope withPrompt(@Nullable PromptContext prompt) {
		return new PromptScope(prompt);
	}

	/**
	 * Return the model of the current session's variant of a config, for the model of one
	 * call, as {@code FallomOpenAI.model} does: <pre class="code">
	 * MessageCreateParams.builder().model(fallomAnthropic.model("support", "claude-haiku-4-5"))
	 * </pre> Without a session, or when the config cannot be used, the fallback. Where every
	 * call should follow the session's own config, {@link Builder#routeModels()} does it
	 * for you.
	 * @param configKey the config key
	 * @param fallback the model when no variant can be assigned
	 * @return the model
	 * @throws IllegalStateException when this instance was created without model
	 * assignment
	 */
	public String model(String configKey, String fallback) {
		Objects.requireNonNull(fallback, "fallback must not be null");
		if (this.models == null) {
			throw new IllegalStateException(
					"This FallomAnthropic has no model assignment: create it with FallomAnthropic.create(fallom)");
		}
		return this.models.getForCurrentSession(configKey, fallback);
	}

	/**
	 * Whether records carry content.
	 * @return whether content is captured
	 */
	public boolean isCaptureContent() {
		return this.captureContent;
	}

	Tracer tracer() {
		return this.tracer;
	}

	/**
	 * Return the model a call asking for {@code requested} should use: the model of the
	 * current session's variant when routing, else the one asked for.
	 */
	String routedModel(String requested) {
		ModelOptions routing = this.routing;
		FallomModels models = this.models;
		FallomSessionContext session = FallomSessionHolder.get();
		if (routing == null || models == null || session == null) {
			return requested;
		}
		try {
			return models.get(session.configKey(), session.sessionId(), copyWithFallback(routing, requested));
		}
		catch (RuntimeException ex) {
			logger.debug("Kept the requested model " + requested + ": no assignment for config '"
					+ session.configKey() + "'", ex);
			return requested;
		}
	}

	private static ModelOptions copyWithFallback(ModelOptions routing, String fallback) {
		ModelOptions options = (routing.getVersion() != null) ? ModelOptions.version(routing.getVersion())
				: ModelOptions.latest();
		return options.withFallback((routing.getFallback() != null) ? routing.getFallback() : fallback);
	}

	/**
	 * Builds a {@link FallomAnthropic}.
	 */
	public static final class Builder {

		private final Fallom fallom;

		private @Nullable ModelOptions routing;

		private Builder(Fallom fallom) {
			this.fallom = fallom;
		}

		/**
		 * Route each call made inside a Fallom session to the model of the session's
		 * variant of its config, from the latest config version; the model the call asks
		 * for is the fallback when the config is unknown or unreachable. Outside a session
		 * the call keeps its model.
		 * @return this builder
		 */
		public Builder routeModels() {
			return routeModels(ModelOptions.latest());
		}

		/**
		 * Route each call made inside a Fallom session to the model of the session's
		 * variant, with assignment options: a pinned config version, a fallback of its
		 * own instead of the model the call asks for.
		 * @param options the assignment options
		 * @return this builder
		 */
		public Builder routeModels(ModelOptions options) {
			this.routing = Objects.requireNonNull(options, "options must not be null");
			return this;
		}

		/**
		 * Build the instance.
		 * @return the instance
		 */
		public FallomAnthropic build() {
			return new FallomAnthropic(this.fallom.tracer(), this.fallom.isCaptureContent(), this.fallom.models(),
					this.routing);
		}

	}

}
