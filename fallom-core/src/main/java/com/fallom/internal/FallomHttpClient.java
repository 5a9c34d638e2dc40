package com.fallom.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The one HTTP client of the Fallom engine: Bearer authentication, short timeouts, HTTP/2
 * over TLS (HTTP/1.1 in clear text) and one private daemon thread, shared by config sync,
 * session recording, custom metrics and the export, whichever Fallom service each talks
 * to. Its one daemon thread completes every request, fires every request's deadline and
 * runs the senders' non-blocking pumps ({@link #executor()}), so many requests in flight,
 * and many senders, cost no thread each.
 * <p>
 * Every request is bounded end to end, body included: the JDK's request timeout stops at
 * the response headers, so a body that stalls after them would hold its caller for ever.
 * A body larger than the most accepted fails the request with a
 * {@link ResponseTooLargeException}, before it is all read. Internal API.
 */
public final class FallomHttpClient implements AutoCloseable {

	private final URI baseUrl;

	private final String authorization;

	private final Duration timeout;

	private final ScheduledExecutorService executor;

	/** Built on first use, on a background thread, not on the thread that builds the engine. */
	private final LazyClient client;

	private final boolean ownsClient;

	/** The most bytes of a response body by default: a config or prompt list of 32 MB is already absurd. */
	public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

	/** The most a byte array holds. */
	private static final long MAX_RESPONSE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

	private static final long MAX_TIMEOUT_MILLIS = TimeUnit.DAYS.toMillis(365);

	private final long maxResponseBytes;

	private final HttpResponse.BodyHandler<byte[]> bodyHandler;

	/**
	 * Create a client that accepts response bodies of up to
	 * {@link #DEFAULT_MAX_RESPONSE_BYTES}.
	 * @param baseUrl the backend's base URL
	 * @param apiKey the API key
	 * @param timeout the connect timeout and the default request timeout
	 */
	public FallomHttpClient(URI baseUrl, String apiKey, Duration timeout) {
		this(baseUrl, apiKey, timeout, DEFAULT_MAX_RESPONSE_BYTES);
	}

	/**
	 * Create a client.
	 * @param baseUrl the backend's base URL
	 * @param apiKey the API key
	 * @param timeout the connect timeout and the default request timeout
	 * @param maxResponseBytes the most bytes of a response body, positive
	 */
	public FallomHttpClient(URI baseUrl, String apiKey, Duration timeout, long maxResponseBytes) {
		Arguments.isTrue(maxResponseBytes > 0 && maxResponseBytes <= MAX_RESPONSE_BYTES_LIMIT,
				"'maxResponseBytes' must be positive and less than 2 GB");
		this.maxResponseBytes = maxResponseBytes;
		this.bodyHandler = bodyHandler(maxResponseBytes);
		Arguments.notNull(baseUrl, "'baseUrl' must not be null");
		Arguments.notNull(apiKey, "'apiKey' must not be null");
		this.baseUrl = URI.create(stripTrailingSlash(baseUrl.toString()));
		// The last line of defence: a key the JDK refuses in a header would be quoted,
		// whole, in the exception of every request.
		this.authorization = "Bearer " + ApiKeys.clean(apiKey, "'apiKey'");
		this.timeout = timeout;
		this.executor = newExecutor();
		this.client = new LazyClient(version(this.baseUrl), timeout, this.executor);
		this.ownsClient = true;
	}

	/**
	 * The client's one thread: never blocked (completions, deadlines and pumps only), so
	 * one is enough, and its thread starts with the first request, not here.
	 */
	private static ScheduledExecutorService newExecutor() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("fallom-http"));
		// A deadline cancelled by its answer leaves the queue at once, not when it would have fired
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return executor;
	}

	/**
	 * Return the client's one thread, for work that never blocks: the pumps of the
	 * {@link BoundedSender}s that send through this client, their back-off timers, and
	 * request deadlines. Shared by every client of {@link #forService}; shut down by
	 * {@link #close()}.
	 * @return the executor
	 */
	public ScheduledExecutorService executor() {
		return this.executor;
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
		this.maxResponseBytes = owner.maxResponseBytes;
		this.bodyHandler = owner.bodyHandler;
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
		return send(request.build(), this.timeout);
	}

	/**
	 * Send a GET request without waiting: the client's own threads complete it, within the
	 * timeout.
	 * @param path the path below the base URL, starting with {@code /}
	 * @return the response, completed exceptionally on a network failure or time-out
	 */
	public CompletableFuture<Response> getAsync(String path) {
		return exchange(newRequest(path, this.timeout).GET().build(), this.timeout);
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
		return send(request, timeout);
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
		return postAsync(path, "application/json", json, timeout);
	}

	/**
	 * Start a POST request without waiting for the answer, for bodies other than JSON
	 * (the OTLP export's protobuf), bounded end to end like every other request.
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
		return exchange(request, timeout);
	}

	private HttpRequest.Builder newRequest(String path, Duration timeout) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(timeout)
			.header("Authorization", this.authorization)
			.header("User-Agent", "fallom-spring-boot");
	}

	/**
	 * Send a request, bounded end to end by the timeout: the JDK's own request timeout
	 * ends at the response headers, so the whole exchange gets a deadline of its own, and
	 * the exchange is cancelled (its connection closed) whenever the result fails, times
	 * out or is cancelled by the caller.
	 */
	private CompletableFuture<Response> exchange(HttpRequest request, Duration timeout) {
		CompletableFuture<HttpResponse<byte[]>> exchange = this.client.get().sendAsync(request, this.bodyHandler);
		CompletableFuture<Response> response = exchange.thenApply(FallomHttpClient::toResponse);
		ScheduledFuture<?> deadline;
		try {
			// On the client's own thread, not CompletableFuture.orTimeout's JVM-wide one
			deadline = this.executor.schedule(() -> response.completeExceptionally(new TimeoutException()),
					timeoutMillis(timeout), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			exchange.cancel(true);
			return CompletableFuture.failedFuture(new IOException("the Fallom HTTP client is closed"));
		}
		response.whenComplete((result, failure) -> {
			deadline.cancel(false);
			if (failure != null) {
				exchange.cancel(true);
			}
		});
		return response;
	}

	private Response send(HttpRequest request, Duration timeout) throws IOException, InterruptedException {
		CompletableFuture<Response> response = exchange(request, timeout);
		try {
			return response.get();
		}
		catch (InterruptedException ex) {
			response.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof TimeoutException) {
				throw new HttpTimeoutException("request not completed within " + timeoutMillis(timeout) + " ms");
			}
			if (cause instanceof IOException io) {
				throw io;
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IOException("request failed: " + cause.getClass().getName());
		}
	}

	private static long timeoutMillis(Duration timeout) {
		return (timeout.getSeconds() >= MAX_TIMEOUT_MILLIS / 1000) ? MAX_TIMEOUT_MILLIS
				: Math.max(1, timeout.toMillis());
	}

	/**
	 * Return the most bytes of a response body.
	 * @return the size in bytes
	 */
	public long getMaxResponseBytes() {
		return this.maxResponseBytes;
	}

	private static HttpResponse.BodyHandler<byte[]> bodyHandler(long maxBytes) {
		return (info) -> {
			long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
			return new BoundedBodySubscriber(maxBytes, length > maxBytes);
		};
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
	 * Collects a body of at most {@code maxBytes}; a larger one (by its
	 * {@code Content-Length}, or once that many bytes have arrived) cancels the exchange
	 * and fails with a {@link ResponseTooLargeException}.
	 */
	private static final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

		private final long maxBytes;

		private final boolean tooLarge;

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private final List<ByteBuffer> received = new ArrayList<>();

		private long size;

		private Flow.@Nullable Subscription subscription;

		BoundedBodySubscriber(long maxBytes, boolean tooLarge) {
			this.maxBytes = maxBytes;
			this.tooLarge = tooLarge;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			if (this.subscription != null) {
				subscription.cancel();
				return;
			}
			this.subscription = subscription;
			if (this.tooLarge) {
				fail();
			}
			// Read on even when too large, keeping nothing: the failed result cancels the
			// exchange, and cancelling the subscription instead leaves the JDK's exchange
			// waiting for a body that nobody reads
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			if (this.body.isDone()) {
				return;
			}
			for (ByteBuffer buffer : buffers) {
				this.size += buffer.remaining();
			}
			if (this.size > this.maxBytes) {
				fail();
				return;
			}
			this.received.addAll(buffers);
		}

		private void fail() {
			this.received.clear();
			this.body.completeExceptionally(new ResponseTooLargeException(this.maxBytes));
		}

		@Override
		public void onError(Throwable failure) {
			this.received.clear();
			this.body.completeExceptionally(failure);
		}

		@Override
		public void onComplete() {
			if (this.body.isDone()) {
				return;
			}
			byte[] bytes = new byte[(int) this.size];
			int offset = 0;
			for (ByteBuffer buffer : this.received) {
				int length = buffer.remaining();
				buffer.get(bytes, offset, length);
				offset += length;
			}
			this.received.clear();
			this.body.complete(bytes);
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return this.body;
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
