package com.fallom.openai;

import java.util.Objects;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.prompts.PromptContext;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import io.opentelemetry.api.trace.Tracer;
import org.jspecify.annotations.Nullable;

/**
 * Traces the calls of the official OpenAI Java SDK to Fallom, as the Python SDK's
 * {@code wrap_openai} does: build the client as usual and wrap it, <pre class="code">
 * FallomOpenAI fallomOpenAI = FallomOpenAI.create(fallom);
 * OpenAIClient openai = fallomOpenAI.wrap(OpenAIOkHttpClient.fromEnv());
 * </pre> and every Chat Completions and Responses API call ({@code create} and
 * {@code createStreaming}, of the client and of its {@link OpenAIClient#async() async}
 * side) becomes one trace record with the current Fallom session, the raw request,
 * response and usage in OpenAI's own shape, and, for streams, {@code is_streaming} and
 * {@code time_to_first_token_ms}. Streams reach the caller chunk by chunk as the SDK reads
 * them, and exceptions are the SDK's own, unchanged. Every other endpoint, and those a
 * newer SDK adds, pass through untouched; so do calls through
 * {@code withRawResponse()}. The SDK's retries of one call make one record.
 * <p>
 * {@link #model(String, String)} returns the model of the session's A/B variant.
 * Thread-safe.
 */
public final class FallomOpenAI {

	private static final ThreadLocal<@Nullable PromptContext> prompt = new ThreadLocal<>();

	private final Tracer tracer;

	private final boolean captureContent;

	private final @Nullable FallomModels models;

	/**
	 * Create a wrapper factory.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether records may carry prompts, answers, tool names and
	 * error messages
	 * @param models the model assignment for {@link #model(String, String)}, or
	 * {@code null}
	 */
	public FallomOpenAI(Tracer tracer, boolean captureContent, @Nullable FallomModels models) {
		this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
		this.captureContent = captureContent;
		this.models = models;
	}

	/**
	 * Create a wrapper factory that records to a Fallom engine and follows its content
	 * capture setting.
	 * @param fallom the engine
	 * @return the factory
	 */
	public static FallomOpenAI create(Fallom fallom) {
		Objects.requireNonNull(fallom, "fallom must not be null");
		return new FallomOpenAI(fallom.tracer(), fallom.isCaptureContent(), fallom.models());
	}

	/**
	 * Return a client that traces the calls of the given one. Wrapping a wrapped client
	 * returns it as it is.
	 * @param client the client, built as usual
	 * @return the traced client
	 */
	public OpenAIClient wrap(OpenAIClient client) {
		return TracingHandler.proxy(OpenAIClient.class, client, this);
	}

	/**
	 * Return an asynchronous client that traces the calls of the given one. Wrapping a
	 * wrapped client returns it as it is.
	 * @param client the client, built as usual
	 * @return the traced client
	 */
	public OpenAIClientAsync wrap(OpenAIClientAsync client) {
		return TracingHandler.proxy(OpenAIClientAsync.class, client, this);
	}

	/**
	 * Return whether a client is one this class wrapped.
	 * @param client the client
	 * @return whether its calls are traced
	 */
	public static boolean isWrapped(Object client) {
		return TracingHandler.isProxy(client);
	}

	/**
	 * Return the model of the current session's variant of a config, for the
	 * {@code model} of a call: <pre class="code">
	 * ChatCompletionCreateParams.builder().model(fallomOpenAI.model("support-bot", "gpt-4o-mini"))
	 * </pre> The session is the thread's Fallom session; the assignment becomes it, so the
	 * call's record carries it. Without a session, or when the config cannot be used, the
	 * fallback is returned, as everywhere else in Fallom.
	 * @param configKey the config key
	 * @param fallback the model when no variant can be assigned
	 * @return the model
	 * @throws IllegalStateException when this factory was created without model
	 * assignment
	 */
	public String model(String configKey, String fallback) {
		Objects.requireNonNull(fallback, "fallback must not be null");
		if (this.models == null) {
			throw new IllegalStateException("This FallomOpenAI has no model assignment: create it with FallomOpenAI.create(fallom)");
		}
		return this.models.getForCurrentSession(configKey, fallback);
	}

	/**
	 * Tag the calls this thread makes until the scope closes with a managed prompt
	 * ({@code prompt_key}, {@code prompt_version} and, for a prompt A/B test,
	 * {@code prompt_ab_test_key} and {@code prompt_variant_index}): <pre class="code">
	 * FallomPrompt prompt = fallom.prompts().get("support-reply", variables);
	 * try (FallomOpenAI.PromptScope scope = FallomOpenAI.withPrompt(prompt.context())) {
	 *     openai.chat().completions().create(...);
	 * }
	 * </pre>
	 * @param context the prompt's context, or {@code null} for none
	 * @return the scope, which restores the previous prompt when closed
	 */
	public static PromptScope withPrompt(@Nullable PromptContext context) {
		PromptContext previous = prompt.get();
		prompt.set(context);
		return new PromptScope(previous);
	}

	static @Nullable PromptContext currentPrompt() {
		return prompt.get();
	}

	Tracer tracer() {
		return this.tracer;
	}

	boolean isCaptureContent() {
		return this.captureContent;
	}

	/**
	 * The calls of a thread tagged with a managed prompt; closing restores the previous one.
	 */
	public static final class PromptScope implements AutoCloseable {

		private final @Nullable PromptContext previous;

		private PromptScope(@Nullable PromptContext previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			if (this.previous != null) {
				prompt.set(this.previous);
			}
			else {
				prompt.remove();
			}
		}

	}

}
