package com.fallom.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

/**
 * The one HTTP client of the Fallom engine: Bearer authentication, short timeouts, HTTP/2
 * over TLS (HTTP/1.1 in clear text) and two private daemon threads, shared by config sync,
 * session recording and custom metrics, whichever Fallom service each talks to. The
 * asynchronous sends of the recorders complete on those two threads, so many requests in
 * flight cost no thread each. Internal API.
 */
public final class FallomHttpClient implements AutoCloseable {

	private final URI baseUrl;

	private final String authorization;

	private final Duration timeout;

	private final ExecutorService executor;

	/** Built on first use, on a background thread, not on the thread that builds the engine. */
	private final LazyClient client;

	private final boolean ownsClient;

	/**
	 * Create a client.
	 * @param baseUrl the backend's base URL
	 * @param apiKey the API key
	 * @param timeout the connect timeout and the default request timeout
	 */
	public FallomHttpClient(URI baseUrl, String apiKey, Duration timeout) {
		Arguments.notNull(baseUrl, "'baseUrl' must not be null");
		Arguments.hasText(apiKey, "'apiKey' must not be null or blank");
		this.baseUrl = URI.create(stripTrailingSlash(baseUrl.toString()));
		this.authorization = "Bearer " + apiKey;
		this.timeout = timeout;
		this.executor = Executors.newFixedThreadPool(2, new DaemonThreadFactory("fallom-http"));
		this.client = new LazyClient(version(this.baseUrl), timeout, this.executor);
		this.ownsClient = true;
	}

	/**
	 * HTTP/2 over TLS, where ALPN negotiates it and concurrent sends share one connection;
	 * HTTP/1.1 in clear text, which spares a local backend the {@code h2c} upgrade.
	 */
	private static HttpClient.Version version(URI baseUrl) {
		return "https".equalsIgnoreCase(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
	}

	private FallomHttpClient(FallomHttpClient owner, URI baseUrl) {
		this.baseUrl = URI.create(stripTrailingSlash(baseUrl.toString()));
		this.authorization = owner.authorization;
		this.timeout = owner.timeout;
		this.executor = owner.executor;
		this.client = owner.client;
		this.ownsClient = false;
	}

	/**
	 * Return a client of another Fallom service (traces, prompts) that shares this one's
	 * connections and threads; closing it does nothing, closing this one closes both.
	 * @param serviceUrl the service's base URL
	 * @return the client
	 */
	public FallomHttpClient forService(URI serviceUrl) {
		Arguments.notNull(serviceUrl, "'serviceUrl' must not be null");
		return new FallomHttpClient(this, serviceUrl);
	}

	private static String stripTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/**
	 * Return the base URL.
	 * @return the base URL, without a trailing slash
	 */
	public URI getBaseUrl() {
		return this.baseUrl;
	}

	/**
	 * Send a GET request.
	 * @param path the path below the base URL, starting with {@code /}
	 * @param ifNoneMatch an entity tag for {@code If-None-Match}, or {@code null}
	 * @return the response
	 * @throws IOException on a network failure or time-out
	 * @throws InterruptedException when interrupted
	 */
	public Response get(String path, @Nullable String ifNoneMatch) throws IOException, InterruptedException {
		HttpRequest.Builder request = newRequest(path, this.timeout).GET();
		if (ifNoneMatch != null) {
			request.header("If-None-Match", ifNoneMatch);
		}
		return send(request.build());
	}

	/**
	 * Send a GET request without waiting: the client's own threads complete it, within the
	 * timeout.
	 * @param path the path below the base URL, starting with {@code /}
	 * @return the response, completed exceptionally on a network failure or time-out
	 */
	public CompletableFuture<Response> getAsync(String path) {
		return this.client.get().sendAsync(newRequest(path, this.timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
			.thenApply(FallomHttpClient::toResponse);
	}

	/**
	 * Send a POST request with a JSON body.
	 * @param path the path below the base URL, starting with {@code /}
	 * @param json the UTF-8 JSON body
	 * @param timeout the request timeout
	 * @return the response
	 * @throws IOException on a network failure or time-out
	 * @throws InterruptedException when interrupted
	 */
	public Response postJson(String path, byte[] json, Duration timeout) throws IOException, InterruptedException {
		HttpRequest request = newRequest(path, timeout).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(json))
			.build();
		return send(request);
	}

	/**
	 * Start a POST request with a JSON body without waiting for the answer, so that one
	 * thread keeps many requests under way.
	 * @param path the path below the base URL, starting with {@code /}
	 * @param json the UTF-8 JSON body
	 * @param timeout the request timeout
	 * @return the response; completes exceptionally on a network failure or time-out
	 */
	public CompletableFuture<Response> postJsonAsync(String path, byte[] json, Duration timeout) {
		HttpRequest request = newRequest(path, timeout).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(json))
			.build();
		return this.client.get().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
			.thenApply(FallomHttpClient::toResponse);
	}

	/**
	 * Start a POST request without waiting for the answer, for bodies other than JSON
	 * (the OTLP export's protobuf).
	 * @param path the path below the base URL, starting with {@code /}
	 * @param contentType the body's content type
	 * @param body the body
	 * @param timeout the request timeout
	 * @return the response; completes exceptionally on a network failure or time-out
	 */
	public CompletableFuture<Response> postAsync(String path, String contentType, byte[] body, Duration timeout) {
		HttpRequest request = newRequest(path, timeout).header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		return this.client.get().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
			.thenApply(FallomHttpClient::toResponse);
	}

	private HttpRequest.Builder newRequest(String path, Duration timeout) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(timeout)
			.header("Authorization", this.authorization)
			.header("User-Agent", "fallom-spring-boot");
	}

	private Response send(HttpRequest request) throws IOException, InterruptedException {
		return toResponse(this.client.get().send(request, HttpResponse.BodyHandlers.ofByteArray()));
	}

	private static Response toResponse(HttpResponse<byte[]> response) {
		return new Response(response.statusCode(), response.body(),
				response.headers().firstValue("ETag").orElse(null),
				response.headers().firstValue("Retry-After").orElse(null));
	}

	@Override
	public void close() {
		if (this.ownsClient) {
			this.executor.shutdownNow();
		}
	}

	/**
	 * The JDK client, built on first use: building it sets up TLS and starts its selector
	 * thread, which costs the app's start-up time when done where the engine is built.
	 */
	private static final class LazyClient {

		private final HttpClient.Version version;

		private final Duration connectTimeout;

		private final ExecutorService executor;

		private volatile @Nullable HttpClient client;

		LazyClient(HttpClient.Version version, Duration connectTimeout, ExecutorService executor) {
			this.version = version;
			this.connectTimeout = connectTimeout;
			this.executor = executor;
		}

		HttpClient get() {
			HttpClient client = this.client;
			if (client == null) {
				synchronized (this) {
					client = this.client;
					if (client == null) {
						client = HttpClient.newBuilder()
							.version(this.version)
							.connectTimeout(this.connectTimeout)
							.followRedirects(HttpClient.Redirect.NEVER)
							.executor(this.executor)
							.build();
						this.client = client;
					}
				}
			}
			return client;
		}

	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code
	 * @param body the body
	 * @param etag the {@code ETag} header, or {@code null}
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 */
	public record Response(int status, byte[] body, @Nullable String etag, @Nullable String retryAfter) {

		/**
		 * Whether the status is 2xx.
		 * @return whether the request succeeded
		 */
		public boolean isSuccessful() {
			return this.status >= 200 && this.status < 300;
		}

	}

}
