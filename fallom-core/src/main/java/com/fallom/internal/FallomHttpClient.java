package com.fallom.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.impl.bootstrap.AsyncRequesterBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncRequester;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.entity.AbstractBinDataConsumer;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.ssl.BasicClientTlsStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP client of the Fallom engine: Bearer authentication, short timeouts,
 * keep-alive HTTP/1.1 connections and two private daemon threads, shared by config sync,
 * session recording, custom metrics and the export, whichever Fallom service each talks
 * to: the non-blocking transport's I/O thread, which reads every answer and completes its
 * request where it arrives, and {@code fallom-http-1}
 * ({@link #executor()}), which fires every request's deadline and runs the senders'
 * non-blocking pumps. Many requests in flight, and many senders, cost no thread each.
 * <p>
 * The transport is Apache HttpCore 5's non-blocking requester (a connection pool on one
 * I/O thread, {@code requester-dispatch-1}), not the JDK's client: on a JVM with two
 * processors or fewer, the JDK client hands every answer of {@code sendAsync} to a new
 * short-lived thread, which halved the records a small container could send.
 * <p>
 * Every request is bounded end to end, body included, by a deadline of its own that
 * cancels the exchange (closing its connection). A body larger than the most accepted
 * fails the request with a {@link ResponseTooLargeException}, before it is all read.
 * Internal API.
 */
public final class FallomHttpClient implements AutoCloseable {

	private final URI baseUrl;

	private final HttpHost host;

	private final String pathPrefix;

	private final String authorization;

	private final Duration timeout;

	private final ScheduledExecutorService executor;

	/** Built and started on first use. */
	private final LazyClient client;

	private final boolean ownsClient;

	/** The most bytes of a response body by default: a config or prompt list of 32 MB is already absurd. */
	public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

	/** The most a byte array holds. */
	private static final long MAX_RESPONSE_BYTES_LIMIT = Integer.MAX_VALUE - 8;

	private static final long MAX_TIMEOUT_MILLIS = TimeUnit.DAYS.toMillis(365);

	/**
	 * The most connections, more than every sender's requests in flight together (trace
	 * records 128, sessions 64, metrics 64, span exports 2, syncs): a request never waits
	 * for another's connection.
	 */
	private static final int MAX_CONNECTIONS = 512;

	private static final String USER_AGENT = "fallom-spring-boot";

	/** As the SDKs send it: no charset parameter (JSON is UTF-8). */
	private static final ContentType JSON = ContentType.create("application/json");

	private final long maxResponseBytes;

	/**
	 * Create a client that accepts response bodies of up to
	 * {@link #DEFAULT_MAX_RESPONSE_BYTES}.
	 * @param baseUrl the backend's base URL
	 * @param apiKey the API key
	 * @param timeout the default request timeout (each request bounds its connecting too)
	 */
	public FallomHttpClient(URI baseUrl, String apiKey, Duration timeout) {
		this(baseUrl, apiKey, timeout, DEFAULT_MAX_RESPONSE_BYTES);
	}

	/**
	 * Create a client.
	 * @param baseUrl the backend's base URL
	 * @param apiKey the API key
	 * @param timeout the default request timeout (each request bounds its connecting too)
	 * @param maxResponseBytes the most bytes of a response body, positive
	 */
	public FallomHttpClient(URI baseUrl, String apiKey, Duration timeout, long maxResponseBytes) {
		Arguments.isTrue(maxResponseBytes > 0 && maxResponseBytes <= MAX_RESPONSE_BYTES_LIMIT,
				"'maxResponseBytes' must be positive and less than 2 GB");
		this.maxResponseBytes = maxResponseBytes;
		Arguments.notNull(baseUrl, "'baseUrl' must not be null");
		Arguments.notNull(apiKey, "'apiKey' must not be null");
		this.baseUrl = URI.create(stripTrailingSlash(baseUrl.toString()));
		this.host = host(this.baseUrl);
		this.pathPrefix = pathPrefix(this.baseUrl);
		// The last line of defence: a key with line breaks or control characters would
		// split or corrupt the header, and be quoted in the exception of every request.
		this.authorization = "Bearer " + ApiKeys.clean(apiKey, "'apiKey'");
		this.timeout = timeout;
		this.executor = newExecutor();
		this.client = new LazyClient();
		this.ownsClient = true;
	}

	/**
	 * The client's scheduling thread: never blocked (deadlines and pumps only), so one is
	 * enough, and its thread starts with the first task, not here.
	 */
	private static ScheduledExecutorService newExecutor() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("fallom-http"));
		// A deadline cancelled by its answer leaves the queue at once, not when it would have fired
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return executor;
	}

	/**
	 * Return the client's scheduling thread, for work that never blocks: the pumps of the
	 * {@link BoundedSender}s that send through this client, their back-off timers, and
	 * request deadlines. Shared by every client of {@link #forService}; shut down by
	 * {@link #close()}.
	 * @return the executor
	 */
	public ScheduledExecutorService executor() {
		return this.executor;
	}

	private FallomHttpClient(FallomHttpClient owner, URI baseUrl) {
		this.baseUrl = URI.create(stripTrailingSlash(baseUrl.toString()));
		this.host = host(this.baseUrl);
		this.pathPrefix = pathPrefix(this.baseUrl);
		this.authorization = owner.authorization;
		this.timeout = owner.timeout;
		this.executor = owner.executor;
		this.client = owner.client;
		this.ownsClient = false;
		this.maxResponseBytes = owner.maxResponseBytes;
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

	private static HttpHost host(URI baseUrl) {
		Arguments.isTrue(baseUrl.getHost() != null && ("http".equalsIgnoreCase(baseUrl.getScheme())
				|| "https".equalsIgnoreCase(baseUrl.getScheme())),
				"'baseUrl' must be an absolute http or https URL");
		return new HttpHost(baseUrl.getScheme().toLowerCase(Locale.ROOT), baseUrl.getHost(),
				baseUrl.getPort());
	}

	private static String pathPrefix(URI baseUrl) {
		String path = baseUrl.getRawPath();
		return (path != null) ? path : "";
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
		BasicHttpRequest request = newRequest(Method.GET, path);
		if (ifNoneMatch != null) {
			request.setHeader("If-None-Match", ifNoneMatch);
		}
		return send(request, null, this.timeout);
	}

	/**
	 * Send a GET request without waiting: the client's own threads complete it, within the
	 * timeout.
	 * @param path the path below the base URL, starting with {@code /}
	 * @return the response, completed exceptionally on a network failure or time-out
	 */
	public CompletableFuture<Response> getAsync(String path) {
		return exchange(newRequest(Method.GET, path), null, this.timeout);
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
		return send(newRequest(Method.POST, path), new BasicAsyncEntityProducer(json, JSON),
				timeout);
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
		return exchange(newRequest(Method.POST, path), new BasicAsyncEntityProducer(json, JSON),
				timeout);
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
		return exchange(newRequest(Method.POST, path),
				new BasicAsyncEntityProducer(body, ContentType.parse(contentType)), timeout);
	}

	private BasicHttpRequest newRequest(Method method, String path) {
		BasicHttpRequest request = new BasicHttpRequest(method, this.host, this.pathPrefix + path);
		request.setHeader("Authorization", this.authorization);
		request.setHeader("User-Agent", USER_AGENT);
		return request;
	}

	/**
	 * Send a request, bounded end to end by the timeout: a deadline of its own fails the
	 * result, and the exchange is cancelled (its connection closed) whenever the result
	 * fails, times out or is cancelled by the caller. A GET that finds its connection
	 * closed before any answer (a kept-alive connection the server has just closed) is
	 * sent once more, within the same deadline.
	 */
	private CompletableFuture<Response> exchange(BasicHttpRequest request, @Nullable AsyncEntityProducer body,
			Duration timeout) {
		Exchange exchange = new Exchange(request, body, timeout, (body == null) ? 1 : 0);
		CompletableFuture<Response> response = exchange.response;
		ScheduledFuture<?> deadline = null;
		try {
			// On the client's own thread, not CompletableFuture.orTimeout's JVM-wide one
			deadline = this.executor.schedule(() -> response.completeExceptionally(new TimeoutException()),
					timeoutMillis(timeout), TimeUnit.MILLISECONDS);
			exchange.start();
		}
		catch (RejectedExecutionException | IllegalStateException ex) {
			if (deadline != null) {
				deadline.cancel(false);
			}
			response.completeExceptionally(new IOException("the Fallom HTTP client is closed"));
			return response;
		}
		ScheduledFuture<?> started = deadline;
		response.whenComplete((result, failure) -> {
			started.cancel(false);
			if (failure != null) {
				exchange.cancel();
			}
		});
		return response;
	}

	/**
	 * One request's attempts, completing its result on the I/O thread, where the answer
	 * arrives.
	 */
	private final class Exchange implements FutureCallback<Response> {

		final CompletableFuture<Response> response = new CompletableFuture<>();

		private final BasicHttpRequest request;

		private final @Nullable AsyncEntityProducer body;

		private final Timeout timeout;

		private int retries;

		private volatile @Nullable Future<Response> attempt;

		Exchange(BasicHttpRequest request, @Nullable AsyncEntityProducer body, Duration timeout, int retries) {
			this.request = request;
			this.body = body;
			// Connecting, and the socket's silence within an exchange
			this.timeout = Timeout.ofMilliseconds(timeoutMillis(timeout));
			this.retries = retries;
		}

		void start() {
			this.attempt = FallomHttpClient.this.client.get()
				.execute(new BasicRequestProducer(this.request, this.body),
						new BoundedBodyConsumer(FallomHttpClient.this.maxResponseBytes), this.timeout, null, this);
			if (this.response.isDone()) {
				cancel();
			}
		}

		void cancel() {
			Future<Response> attempt = this.attempt;
			if (attempt != null) {
				attempt.cancel(true);
			}
		}

		@Override
		public void completed(Response result) {
			this.response.complete(result);
		}

		@Override
		public void failed(Exception failure) {
			if (failure instanceof ConnectionClosedException && this.retries > 0 && !this.response.isDone()) {
				this.retries--;
				try {
					start();
					return;
				}
				catch (IllegalStateException ex) {
					// Closed meanwhile: report the first failure
				}
			}
			this.response.completeExceptionally(failure);
		}

		@Override
		public void cancelled() {
			this.response.completeExceptionally(new CancellationException("request cancelled"));
		}

	}

	private Response send(BasicHttpRequest request, @Nullable AsyncEntityProducer body, Duration timeout)
			throws IOException, InterruptedException {
		CompletableFuture<Response> response = exchange(request, body, timeout);
		try {
			return response.get();
		}
		catch (InterruptedException ex) {
			response.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
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

	@Override
	public void close() {
		if (this.ownsClient) {
			this.executor.shutdownNow();
			this.client.close();
		}
	}

	/**
	 * Collects a body of at most {@code maxBytes}; a larger one (by its
	 * {@code Content-Length}, or once that many bytes have arrived) fails the exchange,
	 * which closes its connection, with a {@link ResponseTooLargeException}.
	 */
	private static final class BoundedBodyConsumer extends AbstractBinDataConsumer
			implements AsyncResponseConsumer<Response> {

		private static final byte[] EMPTY = new byte[0];

		private final long maxBytes;

		private int status;

		private @Nullable String etag;

		private @Nullable String retryAfter;

		private byte[] body = EMPTY;

		private int size;

		private volatile @Nullable FutureCallback<Response> result;

		BoundedBodyConsumer(long maxBytes) {
			this.maxBytes = maxBytes;
		}

		@Override
		public void consumeResponse(HttpResponse response, @Nullable EntityDetails entity, HttpContext context,
				FutureCallback<Response> result) throws IOException {
			this.result = result;
			this.status = response.getCode();
			this.etag = value(response.getFirstHeader("ETag"));
			this.retryAfter = value(response.getFirstHeader("Retry-After"));
			if (entity == null) {
				completed();
				return;
			}
			long length = entity.getContentLength();
			if (length > this.maxBytes) {
				throw new ResponseTooLargeException(this.maxBytes);
			}
			if (length > 0) {
				this.body = new byte[(int) length];
			}
		}

		private static @Nullable String value(@Nullable Header header) {
			return (header != null) ? header.getValue() : null;
		}

		@Override
		public void informationResponse(HttpResponse response, HttpContext context) {
		}

		@Override
		protected int capacityIncrement() {
			return Integer.MAX_VALUE;
		}

		@Override
		protected void data(ByteBuffer data, boolean endOfStream) throws IOException {
			int length = data.remaining();
			if (this.size + (long) length > this.maxBytes) {
				throw new ResponseTooLargeException(this.maxBytes);
			}
			if (this.size + length > this.body.length) {
				long grown = Math.max(this.size + (long) length, Math.max(1024, this.body.length * 2L));
				this.body = Arrays.copyOf(this.body, (int) Math.min(grown, this.maxBytes));
			}
			data.get(this.body, this.size, length);
			this.size += length;
		}

		@Override
		protected void completed() {
			byte[] bytes = (this.size == this.body.length) ? this.body : Arrays.copyOf(this.body, this.size);
			FutureCallback<Response> result = this.result;
			if (result != null) {
				result.completed(new Response(this.status, bytes, this.etag, this.retryAfter));
			}
		}

		@Override
		public void failed(Exception cause) {
			// The requester reports the failure to the exchange's own callback
		}

		@Override
		public void releaseResources() {
			this.body = EMPTY;
		}

	}

	/**
	 * The transport, built and started on first use: starting it starts its I/O thread,
	 * which costs the app's start-up time when done where the engine is built.
	 */
	private static final class LazyClient {

		private volatile @Nullable HttpAsyncRequester requester;

		private boolean closed;

		HttpAsyncRequester get() {
			HttpAsyncRequester requester = this.requester;
			if (requester == null) {
				synchronized (this) {
					if (this.closed) {
						throw new IllegalStateException("closed");
					}
					requester = this.requester;
					if (requester == null) {
						requester = build();
						requester.start();
						this.requester = requester;
					}
				}
			}
			return requester;
		}

		private static HttpAsyncRequester build() {
			return AsyncRequesterBootstrap.bootstrap()
				.setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).setTcpNoDelay(true).build())
				.setMaxTotal(MAX_CONNECTIONS)
				.setDefaultMaxPerRoute(MAX_CONNECTIONS)
				.setTlsStrategy(new LazyTlsStrategy())
				.create();
		}

		synchronized void close() {
			this.closed = true;
			HttpAsyncRequester requester = this.requester;
			if (requester != null) {
				requester.close(CloseMode.IMMEDIATE);
			}
		}

	}

	/**
	 * TLS as the JDK client does it, the JVM's default context (its trust store) and
	 * JSSE's check of the host name, taken on the first TLS connection: a clear-text
	 * backend never loads it.
	 */
	private static final class LazyTlsStrategy implements TlsStrategy {

		private volatile @Nullable TlsStrategy delegate;

		private TlsStrategy delegate() {
			TlsStrategy delegate = this.delegate;
			if (delegate == null) {
				try {
					// Checks the host name as HTTPS does, and refuses weak protocols and ciphers
					delegate = new BasicClientTlsStrategy(SSLContext.getDefault());
				}
				catch (NoSuchAlgorithmException ex) {
					throw new IllegalStateException("no default TLS context", ex);
				}
				this.delegate = delegate;
			}
			return delegate;
		}

		@Override
		@Deprecated
		@SuppressWarnings("deprecation")
		public boolean upgrade(TransportSecurityLayer sessionLayer, HttpHost host, SocketAddress localAddress,
				SocketAddress remoteAddress, Object attachment, Timeout handshakeTimeout) {
			return delegate().upgrade(sessionLayer, host, localAddress, remoteAddress, attachment, handshakeTimeout);
		}

		@Override
		public void upgrade(TransportSecurityLayer sessionLayer, NamedEndpoint endpoint, Object attachment,
				Timeout handshakeTimeout, FutureCallback<TransportSecurityLayer> callback) {
			delegate().upgrade(sessionLayer, endpoint, attachment, handshakeTimeout, callback);
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
