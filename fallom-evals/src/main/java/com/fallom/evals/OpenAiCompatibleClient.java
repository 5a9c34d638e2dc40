package com.fallom.evals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fallom.evals.internal.HttpSupport;
import com.fallom.evals.internal.JudgeProtocol;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-compatible chat-completions endpoint over the JDK's HTTP client: OpenRouter by
 * default (the SDKs' only choice), or any base URL, so that a local or self-hosted model
 * judges. It makes judges ({@link #judge(String)}) and candidates
 * ({@link #candidate(String)}). Thread-safe; the key is sent as a bearer token and nowhere
 * else.
 */
public final class OpenAiCompatibleClient {

	/** OpenRouter's API base URL. */
	public static final String OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

	/** The environment variable the SDKs read the OpenRouter key from. */
	public static final String OPENROUTER_API_KEY_ENV = "OPENROUTER_API_KEY";

	private final String baseUrl;

	private final @Nullable String apiKey;

	private final Duration timeout;

	// Made on first use: a JDK HTTP client starts a selector thread as it is built
	private volatile @Nullable HttpClient httpClient;

	private OpenAiCompatibleClient(Builder builder) {
		this.baseUrl = HttpSupport.stripTrailingSlash(builder.baseUrl);
		this.apiKey = (builder.apiKey != null && !builder.apiKey.isBlank()) ? builder.apiKey : null;
		this.timeout = builder.timeout;
		this.httpClient = builder.httpClient;
	}

	private HttpClient httpClient() {
		HttpClient client = this.httpClient;
		if (client == null) {
			synchronized (this) {
				client = this.httpClient;
				if (client == null) {
					client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
					this.httpClient = client;
				}
			}
		}
		return client;
	}

	/**
	 * Create a builder, set to OpenRouter with the key of {@code OPENROUTER_API_KEY}.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a client for OpenRouter with the key of {@code OPENROUTER_API_KEY}.
	 * @return the client
	 */
	public static OpenAiCompatibleClient openRouter() {
		return builder().build();
	}

	/**
	 * Return the base URL, e.g. {@code https://openrouter.ai/api/v1}.
	 * @return the base URL
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Whether this client has an API key.
	 * @return whether a key is set
	 */
	public boolean hasApiKey() {
		return this.apiKey != null;
	}

	/**
	 * Whether this client talks to OpenRouter, which needs a key.
	 * @return whether the base URL is OpenRouter's
	 */
	public boolean isOpenRouter() {
		return this.baseUrl.startsWith("https://openrouter.ai/");
	}

	/**
	 * Return a judge that asks this endpoint with the SDKs' request body.
	 * @param model the judge model, e.g. {@code openai/gpt-4o-mini}
	 * @return the judge
	 */
	public Judge judge(String model) {
		Objects.requireNonNull(model, "model must not be null");
		requireKey("judge");
		OpenAiCompatibleClient client = this;
		return new Judge() {

			@Override
			public String model() {
				return model;
			}

			@Override
			public ChatReply complete(String prompt) throws IOException, InterruptedException {
				return client.post(JudgeProtocol.judgeRequestBody(model, prompt), "judge");
			}

			@Override
			public String toString() {
				return "Judge[" + model + " at " + client.baseUrl + "]";
			}

		};
	}

	/**
	 * Return a candidate model of this endpoint.
	 * @param model the model, e.g. {@code mistralai/mistral-large}
	 * @return the candidate
	 */
	public Candidate candidate(String model) {
		return candidate(model, Map.of());
	}

	/**
	 * Return a candidate model of this endpoint with extra request fields (the SDKs'
	 * {@code model_kwargs}), e.g. {@code temperature} or {@code max_tokens}.
	 * @param model the model
	 * @param options the extra fields, written after {@code model} and {@code messages}
	 * @return the candidate
	 */
	public Candidate candidate(String model, Map<String, ?> options) {
		Objects.requireNonNull(model, "model must not be null");
		requireKey("candidate '" + model + "'");
		Map<String, Object> copy = new LinkedHashMap<>(options);
		OpenAiCompatibleClient client = this;
		return new Candidate() {

			@Override
			public String name() {
				return model;
			}

			@Override
			public ChatReply generate(List<ChatMessage> messages) throws IOException, InterruptedException {
				return client.post(JudgeProtocol.modelRequestBody(model, messages, copy), "model '" + model + "'");
			}

			@Override
			public String toString() {
				return "Candidate[" + model + " at " + client.baseUrl + "]";
			}

		};
	}

	private void requireKey(String what) {
		if (isOpenRouter() && this.apiKey == null) {
			throw new IllegalArgumentException("The " + what + " on OpenRouter needs an API key: set "
					+ OPENROUTER_API_KEY_ENV + " or OpenAiCompatibleClient.builder().apiKey(...)");
		}
	}

	ChatReply post(String body, String what) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + "/chat/completions"))
			.timeout(this.timeout)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (this.apiKey != null) {
			request.header("Authorization", "Bearer " + this.apiKey);
		}
		HttpResponse<String> response = httpClient().send(request.build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		if (response.statusCode() / 100 != 2) {
			throw HttpSupport.failure(what, response);
		}
		try {
			return JudgeProtocol.parseCompletion(response.body());
		}
		catch (IllegalArgumentException ex) {
			// Answered, but not as an OpenAI-compatible endpoint: asking again would not help
			throw new HttpSupport.MalformedReplyException(what + " " + ex.getMessage());
		}
	}

	@Override
	public String toString() {
		return "OpenAiCompatibleClient[" + this.baseUrl + "]";
	}

	/**
	 * Builds an {@link OpenAiCompatibleClient}.
	 */
	public static final class Builder {

		private String baseUrl = OPENROUTER_BASE_URL;

		private @Nullable String apiKey = System.getenv(OPENROUTER_API_KEY_ENV);

		private Duration timeout = Duration.ofSeconds(120);

		private @Nullable HttpClient httpClient;

		private Builder() {
		}

		/**
		 * Set the base URL the {@code /chat/completions} path is appended to.
		 * @param baseUrl e.g. {@code http://localhost:11434/v1}
		 * @return this builder
		 */
		public Builder baseUrl(String baseUrl) {
			Objects.requireNonNull(baseUrl, "baseUrl must not be null");
			if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
				throw new IllegalArgumentException("baseUrl must be an http or https URL, was " + baseUrl);
			}
			this.baseUrl = baseUrl;
			return this;
		}

		/**
		 * Set the API key, sent as a bearer token; {@code null} sends none.
		 * @param apiKey the key
		 * @return this builder
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
			return this;
		}

		/**
		 * Set how long one request may take.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout must not be null");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("timeout must be positive, was " + timeout);
			}
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the HTTP client to use.
		 * @param httpClient the client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
			return this;
		}

		/**
		 * Build the client.
		 * @return the client
		 */
		public OpenAiCompatibleClient build() {
			return new OpenAiCompatibleClient(this);
		}

	}

}
