package com.fallom.test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import com.fallom.test.internal.LoopbackHttpServers;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A mock Fallom backend: a real HTTP server on {@code 127.0.0.1} that speaks the Fallom
 * protocol, records what it receives, and injects faults on demand.
 * <p>
 * It serves {@code GET /configs}, {@code GET /configs/{key}/version/{n}},
 * {@code POST /sessions}, {@code POST /spans} and {@code POST /v1/traces} (JSON trace
 * records, one per request, as today's SDKs send them; or OTLP/HTTP protobuf, optionally
 * gzip), each behind {@code Authorization: Bearer <apiKey>}. Typical
 * use: <pre class="code">
 * try (FallomMockServer fallom = FallomMockServer.start()) {
 *     fallom.putConfig("summarizer", 1, variant("gpt-4o", 100));
 *     // point the client at fallom.baseUrl() with fallom.apiKey() ...
 *     assertThat(fallom.sessionRecords()).hasSize(1);
 * }
 * </pre> All methods are thread-safe; recordings are returned as snapshots in arrival
 * order. Requests are served by a small fixed pool of daemon threads, so a
 * {@link Fault#delay(Duration) delay} on one endpoint does not hold up the others.
 *
 * @see FallomMockServerExtension
 */
public final class FallomMockServer implements AutoCloseable {

	/**
	 * The API key a server started with {@link #start()} accepts.
	 */
	public static final String DEFAULT_API_KEY = "test-api-key";

	private static final System.Logger logger = System.getLogger(FallomMockServer.class.getName());

	/**
	 * Enough for a client with 128 requests in flight (the trace records' default) against
	 * a delay fault on one endpoint while the others still answer; idle threads end after a
	 * few seconds.
	 */
	private static final int THREADS = 256;

	private static final AtomicInteger threadNumber = new AtomicInteger();

	private static final String JSON = "application/json";

	static {
		// The JDK server writes response headers and body separately; with Nagle's algorithm
		// on, the body then waits for the client's delayed ACK, about 40 ms per request. Read
		// once, when the JDK server's configuration class loads; an explicit setting wins.
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private static final String PROTOBUF = "application/x-protobuf";

	private static final byte[] EMPTY_JSON_OBJECT = ConfigStore.utf8("{}");

	private static final byte[] MALFORMED_JSON = ConfigStore.utf8("{\"configs\": [{\"key\": <html>502 Bad Gateway");

	/**
	 * A varint that never ends: no protobuf message parses from it.
	 */
	private static final byte[] MALFORMED_PROTOBUF = { (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
			(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF };

	private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {
	};

	private final JsonMapper mapper = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final String apiKey;

	private final HttpServer httpServer;

	private final ExecutorService executor;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Released on close so that requests waiting in a delay fault end at once.
	 */
	private final CountDownLatch closing = new CountDownLatch(1);

	private final ConfigStore configs = new ConfigStore(this.mapper);

	private final PromptStore prompts = new PromptStore(this.mapper);

	private final Map<Endpoint, Fault> faults = new EnumMap<>(Endpoint.class);

	/**
	 * Released, and replaced, whenever the faults change, so that hanging requests end.
	 */
	private volatile CountDownLatch faultsChanged = new CountDownLatch(1);

	private volatile boolean etags = true;

	private final Object recordingLock = new Object();

	private final List<RecordedRequest> allRequests = new ArrayList<>();

	private final Map<Endpoint, List<RecordedRequest>> requestsByEndpoint = new EnumMap<>(Endpoint.class);

	private final List<Map<String, Object>> sessions = new ArrayList<>();

	private final List<Map<String, Object>> metrics = new ArrayList<>();

	private final List<ExportTraceServiceRequest> traceRequests = new ArrayList<>();

	private final List<Map<String, Object>> traceRecords = new ArrayList<>();

	private int unauthorized;

	// In three-service mode, the traces and prompts services listen on ports of their own
	// and the main port serves the configs service only.
	private final Map<Endpoint.Service, HttpServer> serviceServers = new EnumMap<>(Endpoint.Service.class);

	private final AtomicInteger misrouted = new AtomicInteger();

	// The Fallom app's evals endpoints, apart from the services' (see FallomMockEvals)
	private final FallomMockEvals evals = new FallomMockEvals();

	private FallomMockServer(int port, String apiKey) throws IOException {
		this.apiKey = apiKey;
		this.httpServer = LoopbackHttpServers.create(port);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "fallom-mock-" + threadNumber.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		this.executor = executor;
		this.httpServer.setExecutor(this.executor);
		this.httpServer.createContext("/", (exchange) -> handle(exchange, null));
	}

	/**
	 * Start a server that runs as Fallom's three services, as in production: the configs
	 * service on {@link #configsUrl()}, the traces service on {@link #tracesUrl()} and the
	 * prompts service on {@link #promptsUrl()}, each on its own port. A request sent to the
	 * wrong service is answered 404 and counted in {@link #misroutedCount()}.
	 * {@link #properties()} then sets the three service URLs.
	 * @return the running server
	 */
	public static FallomMockServer startAsThreeServices() {
		FallomMockServer server = start(0, DEFAULT_API_KEY);
		try {
			server.serviceServers.put(Endpoint.Service.CONFIGS, server.httpServer);
			for (Endpoint.Service service : new Endpoint.Service[] { Endpoint.Service.TRACES,
					Endpoint.Service.PROMPTS }) {
				HttpServer serviceServer = LoopbackHttpServers.create(0);
				serviceServer.setExecutor(server.executor);
				serviceServer.createContext("/", (exchange) -> server.handle(exchange, service));
				server.serviceServers.put(service, serviceServer);
				LoopbackHttpServers.start(serviceServer, "fallom-mock-start");
			}
		}
		catch (IOException ex) {
			server.close();
			throw new UncheckedIOException("Could not start the Fallom mock services", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			server.close();
			throw new IllegalStateException("Interrupted while starting the Fallom mock services", ex);
		}
		return server;
	}

	/**
	 * Whether this server runs as three services.
	 * @return whether each service has its own port
	 */
	public boolean isThreeServices() {
		return !this.serviceServers.isEmpty();
	}

	/**
	 * Return the URL of the configs service: the base URL, unless running as three services.
	 * @return the URL
	 */
	public String configsUrl() {
		return serviceUrl(Endpoint.Service.CONFIGS);
	}

	/**
	 * Return the URL of the traces service: the base URL, unless running as three services.
	 * @return the URL
	 */
	public String tracesUrl() {
		return serviceUrl(Endpoint.Service.TRACES);
	}

	/**
	 * Return the URL of the prompts service: the base URL, unless running as three services.
	 * @return the URL
	 */
	public String promptsUrl() {
		return serviceUrl(Endpoint.Service.PROMPTS);
	}

	private String serviceUrl(Endpoint.Service service) {
		HttpServer server = this.serviceServers.get(service);
		return (server != null) ? "http://127.0.0.1:" + server.getAddress().getPort() : baseUrl();
	}

	/**
	 * Return how many requests reached a service that does not serve them (three-service
	 * mode only): a client that sends, say, spans to the configs URL.
	 * @return the count
	 */
	public int misroutedCount() {
		return this.misrouted.get();
	}

	/**
	 * Start a server on a random free port that accepts {@link #DEFAULT_API_KEY}.
	 * @return the running server
	 */
	public static FallomMockServer start() {
		return start(0, DEFAULT_API_KEY);
	}

	/**
	 * Start a server.
	 * @param port the port to listen on, {@code 0} for a random free port
	 * @param apiKey the API key that requests must carry as a bearer token
	 * @return the running server
	 * @throws UncheckedIOException if the port cannot be bound
	 */
	public static FallomMockServer start(int port, String apiKey) {
		Objects.requireNonNull(apiKey, "apiKey must not be null");
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Port must be between 0 and 65535, was " + port);
		}
		FallomMockServer server;
		try {
			server = new FallomMockServer(port, apiKey);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the Fallom mock server on port " + port, ex);
		}
		server.startDispatcher();
		return server;
	}

	private void startDispatcher() {
		try {
			LoopbackHttpServers.start(this.httpServer, "fallom-mock-start");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
			throw new IllegalStateException("Interrupted while starting the Fallom mock server", ex);
		}
	}

	/**
	 * Return the base URL of the server, without a trailing slash.
	 * @return the base URL, e.g. {@code http://127.0.0.1:54321}
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.httpServer.getAddress().getPort();
	}

	/**
	 * Return the API key the server accepts.
	 * @return the API key
	 */
	public String apiKey() {
		return this.apiKey;
	}

	/**
	 * Stop the server: stop listening, drop open connections and end requests that wait
	 * in a delay fault. Returns within about a second; calling it again does nothing.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.closing.countDown();
		this.serviceServers.values().forEach((server) -> server.stop(0));
		this.httpServer.stop(0);
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// Configs

	/**
	 * Add a config, replacing the same version of the same key. The JSON is served as
	 * given, so the variants keep their document order (array or object form) and
	 * numeric-string weights stay strings.
	 * @param configJson the JSON of one config object, with a string {@code key} and an
	 * optional integer {@code version} (default 1)
	 * @return this server
	 * @throws IllegalArgumentException if the JSON is not such an object
	 */
	public FallomMockServer putConfig(String configJson) {
		this.configs.put(configJson);
		return this;
	}

	/**
	 * Add a config with array-form variants in the order given, replacing the same version
	 * of the same key: <pre class="code">
	 * server.putConfig("support", 3, variant("gpt-4o", 50), variant("claude", 50));
	 * </pre>
	 * @param key the config key
	 * @param version the config version
	 * @param variants the variants, in the order assignment walks them
	 * @return this server
	 * @see #variant(String, Number)
	 */
	public FallomMockServer putConfig(String key, int version, ConfigVariant... variants) {
		Objects.requireNonNull(variants, "variants must not be null");
		this.configs.put(key, version, List.of(variants));
		return this;
	}

	/**
	 * Add a config with array-form variants, replacing the same version of the same key.
	 * @param key the config key
	 * @param version the config version
	 * @param modelWeights the weight of each model (a percentage), in the map's iteration
	 * order
	 * @return this server
	 * @deprecated the variants' order decides assignment, and most maps have none: use
	 * {@link #putConfig(String, int, ConfigVariant...)}
	 */
	@Deprecated(since = "0.1.0")
	public FallomMockServer putConfig(String key, int version, Map<String, ? extends Number> modelWeights) {
		this.configs.put(key, version, modelWeights);
		return this;
	}

	/**
	 * Create a variant for {@link #putConfig(String, int, ConfigVariant...)}.
	 * @param model the model
	 * @param weight the weight, a percentage
	 * @return the variant
	 */
	public static ConfigVariant variant(String model, Number weight) {
		return new ConfigVariant(model, weight);
	}

	/**
	 * Add a config built with {@link MockConfig}, targeting included, replacing the same
	 * version of the same key.
	 * @param config the config
	 * @return this server
	 */
	public FallomMockServer putConfig(MockConfig config) {
		return putConfig(config.toJson());
	}

	/**
	 * Remove every version of a config.
	 * @param key the config key
	 * @return this server
	 */
	public FallomMockServer removeConfig(String key) {
		this.configs.remove(key);
		return this;
	}

	/**
	 * Remove every config.
	 */
	public void clearConfigs() {
		this.configs.clear();
	}

	// Prompts

	/**
	 * Add a prompt version at the end of {@code GET /prompts}, which makes it the current
	 * version of its key.
	 * @param key the prompt key
	 * @param version the version
	 * @param systemPrompt the system prompt template
	 * @param userTemplate the user message template
	 * @return this server
	 */
	public FallomMockServer putPrompt(String key, int version, String systemPrompt, String userTemplate) {
		this.prompts.putPrompt(key, version, systemPrompt, userTemplate);
		return this;
	}

	/**
	 * Add an entry, served as given, at the end of {@code GET /prompts}; it may be a
	 * malformed prompt.
	 * @param promptJson any JSON value
	 * @return this server
	 * @throws IllegalArgumentException if the text is not JSON
	 */
	public FallomMockServer putPromptJson(String promptJson) {
		this.prompts.addPromptJson(promptJson);
		return this;
	}

	/**
	 * Add an entry, served as given, at the end of {@code GET /prompt-ab-tests}, e.g.
	 * <code>{"key": "t", "version": 1, "variants": [{"prompt_key": "a", "prompt_version": null, "weight": 100}]}</code>.
	 * @param abTestJson any JSON value
	 * @return this server
	 * @throws IllegalArgumentException if the text is not JSON
	 */
	public FallomMockServer putPromptAbTest(String abTestJson) {
		this.prompts.addAbTestJson(abTestJson);
		return this;
	}

	/**
	 * Remove every prompt and prompt A/B test.
	 */
	public void clearPrompts() {
		this.prompts.clear();
	}

	// Faults

	/**
	 * Inject a fault into the answers of an endpoint, replacing its previous fault. The
	 * fault applies to every later authorized request of the endpoint until
	 * {@link #clearFaults() cleared}, or to the next {@link Fault#times(int) n} requests.
	 * @param endpoint the endpoint
	 * @param fault the fault
	 * @return this server
	 */
	public FallomMockServer fault(Endpoint endpoint, Fault fault) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		Objects.requireNonNull(fault, "fault must not be null");
		synchronized (this.faults) {
			this.faults.put(endpoint, fault);
			releaseHangingRequests();
		}
		return this;
	}

	/**
	 * Remove the faults of every endpoint.
	 */
	public void clearFaults() {
		synchronized (this.faults) {
			this.faults.clear();
			releaseHangingRequests();
		}
	}

	/**
	 * Set whether {@code GET /configs}, {@code /prompts} and {@code /prompt-ab-tests} send
	 * an {@code ETag} (a hash of the body) and answer {@code 304} to a matching
	 * {@code If-None-Match}. On by default.
	 * @param enabled whether to use ETags
	 * @return this server
	 */
	public FallomMockServer etags(boolean enabled) {
		this.etags = enabled;
		return this;
	}

	private void releaseHangingRequests() {
		CountDownLatch released = this.faultsChanged;
		this.faultsChanged = new CountDownLatch(1);
		released.countDown();
	}

	private Fault takeFault(Endpoint endpoint) {
		synchronized (this.faults) {
			Fault fault = this.faults.get(endpoint);
			if (fault != null && fault.remaining() > 0) {
				if (fault.remaining() == 1) {
					this.faults.remove(endpoint);
				}
				else {
					this.faults.put(endpoint, fault.times(fault.remaining() - 1));
				}
			}
			return fault;
		}
	}

	// Recordings

	/**
	 * Return every request received on an endpoint, including unauthorized, faulted and
	 * rejected ones.
	 * @param endpoint the endpoint
	 * @return the requests in arrival order
	 */
	public List<RecordedRequest> requests(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		synchronized (this.recordingLock) {
			return List.copyOf(this.requestsByEndpoint.getOrDefault(endpoint, List.of()));
		}
	}

	/**
	 * Return every request received, on any path, including unknown ones.
	 * @return the requests in arrival order
	 */
	public List<RecordedRequest> requests() {
		synchronized (this.recordingLock) {
			return List.copyOf(this.allRequests);
		}
	}

	/**
	 * Return how many requests an endpoint received, including unauthorized, faulted and
	 * rejected ones.
	 * @param endpoint the endpoint
	 * @return the number of requests
	 */
	public int requestCount(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint must not be null");
		synchronized (this.recordingLock) {
			return this.requestsByEndpoint.getOrDefault(endpoint, List.of()).size();
		}
	}

	/**
	 * Return the bodies of the accepted {@code POST /sessions} requests (assignment
	 * records).
	 * @return the parsed JSON bodies in arrival order
	 */
	public List<Map<String, Object>> sessions() {
		synchronized (this.recordingLock) {
			return List.copyOf(this.sessions);
		}
	}

	/**
	 * Return the bodies of the accepted {@code POST /spans} requests (custom metrics).
	 * @return the parsed JSON bodies in arrival order
	 */
	public List<Map<String, Object>> metrics() {
		synchronized (this.recordingLock) {
			return List.copyOf(this.metrics);
		}
	}

	/**
	 * Return the accepted {@code POST /sessions} requests (assignment records).
	 * @return the records in arrival order
	 */
	public List<SessionRecord> sessionRecords() {
		return sessions().stream().map(SessionRecord::of).toList();
	}

	/**
	 * Return the accepted {@code POST /spans} requests (custom metrics).
	 * @return the records in arrival order
	 */
	public List<MetricsRecord> metricsRecords() {
		return metrics().stream().map(MetricsRecord::of).toList();
	}

	/**
	 * Return the trace records of the accepted JSON {@code POST /v1/traces} requests, one
	 * per call, in the order their calls started: records are sent concurrently, so their
	 * arrival order says nothing.
	 * @return the records by start time
	 */
	public List<TraceRecord> traceRecords() {
		List<TraceRecord> records;
		synchronized (this.recordingLock) {
			records = new ArrayList<>(this.traceRecords.stream().map(TraceRecord::new).toList());
		}
		records.sort(Comparator.comparing((TraceRecord record) -> String.valueOf(record.startTime())));
		return Collections.unmodifiableList(records);
	}

	/**
	 * Return how many trace records were accepted, without copying them: for polling.
	 * @return the number of records
	 */
	public int traceRecordCount() {
		synchronized (this.recordingLock) {
			return this.traceRecords.size();
		}
	}

	/**
	 * Return every span of the accepted {@code POST /v1/traces} requests, with typed
	 * attributes.
	 * @return the spans in arrival order
	 */
	public List<ExportedSpan> exportedSpans() {
		return receivedSpans().stream().map(ExportedSpan::of).toList();
	}

	/**
	 * Return the accepted {@code POST /v1/traces} requests.
	 * @return the decoded export requests in arrival order
	 */
	public List<ExportTraceServiceRequest> traceRequests() {
		synchronized (this.recordingLock) {
			return List.copyOf(this.traceRequests);
		}
	}

	/**
	 * Return every span of the accepted {@code POST /v1/traces} requests.
	 * @return the spans in arrival order
	 */
	public List<Span> traceSpans() {
		List<Span> spans = new ArrayList<>();
		for (ExportTraceServiceRequest request : traceRequests()) {
			for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
				for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
					spans.addAll(scopeSpans.getSpansList());
				}
			}
		}
		return Collections.unmodifiableList(spans);
	}

	/**
	 * Return every span of the accepted {@code POST /v1/traces} requests in plain Java
	 * types, with the attributes of its resource, in the order the spans started: exports
	 * run concurrently, so their arrival order says nothing.
	 * @return the spans by start time
	 */
	public List<ReceivedSpan> receivedSpans() {
		List<ReceivedSpan> spans = new ArrayList<>();
		for (ExportTraceServiceRequest request : traceRequests()) {
			for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
				for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
					String scopeName = scopeSpans.getScope().getName();
					for (Span span : scopeSpans.getSpansList()) {
						spans.add(ReceivedSpan.of(resourceSpans.getResource(), scopeName, span));
					}
				}
			}
		}
		spans.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
		return Collections.unmodifiableList(spans);
	}

	/**
	 * Return the bodies of every request received on any path, gzip decoded, one after
	 * the other: what to scan to prove that some text never left the application.
	 * @return the concatenated bodies
	 */
	public byte[] allReceivedBytes() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		synchronized (this.recordingLock) {
			this.allRequests.forEach((request) -> bytes.writeBytes(request.bodyUnsafe()));
		}
		return bytes.toByteArray();
	}

	/**
	 * Return how many requests to a known endpoint lacked the right bearer token.
	 * @return the number of unauthorized requests
	 */
	public int unauthorizedCount() {
		synchronized (this.recordingLock) {
			return this.unauthorized;
		}
	}

	/**
	 * Forget every recorded request, session, metric and trace. Configs and faults stay.
	 */
	public void reset() {
		synchronized (this.recordingLock) {
			this.allRequests.clear();
			this.requestsByEndpoint.clear();
			this.sessions.clear();
			this.metrics.clear();
			this.traceRequests.clear();
			this.traceRecords.clear();
			this.unauthorized = 0;
		}
	}

	// Evals

	/**
	 * Return the evals part of the Fallom app this server also plays: datasets served at
	 * {@code GET /api/datasets/{key}} and uploads recorded from {@code POST /api/sdk-evals}
	 * (the evals' app URL is {@link #baseUrl()}). {@link #reset()} leaves it alone: use
	 * {@link FallomMockEvals#reset()}.
	 * @return the evals part
	 */
	public FallomMockEvals evals() {
		return this.evals;
	}

	// Properties

	/**
	 * Return the properties that point a Fallom client at this server:
	 * {@code fallom.base-url} and {@code fallom.api-key}, and
	 * {@code fallom.models.await-first-sync}, so that start-up waits for the mock's
	 * configs even where the app has bootstrap ones.
	 * @return the properties by name
	 */
	public Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		if (isThreeServices()) {
			properties.put("fallom.configs-url", configsUrl());
			properties.put("fallom.traces-url", tracesUrl());
			properties.put("fallom.prompts-url", promptsUrl());
		}
		else {
			properties.put("fallom.base-url", baseUrl());
		}
		properties.put("fallom.api-key", this.apiKey);
		// A test's first call sees the mock's configs, not the app's bootstrap ones
		properties.put("fallom.models.await-first-sync", "true");
		return Collections.unmodifiableMap(properties);
	}

	/**
	 * Return {@link #properties()} as {@code name=value} pairs, e.g. for
	 * {@code ApplicationContextRunner.withPropertyValues}.
	 * @return the properties as pairs
	 */
	public String[] propertyValues() {
		return properties().entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

	@Override
	public String toString() {
		return "FallomMockServer[" + baseUrl() + "]";
	}

	// HTTP handling

	private void handle(HttpExchange exchange, Endpoint.@Nullable Service service) {
		try {
			serve(exchange, service);
		}
		catch (Throwable ex) {
			if (!this.closed.get()) {
				logger.log(Level.WARNING, "Fallom mock server failed to answer " + exchange.getRequestMethod() + " "
						+ exchange.getRequestURI(), ex);
				try {
					send(exchange, 500, "text/plain", ConfigStore.utf8("Mock server error: " + ex));
				}
				catch (Throwable ignored) {
					// The response was probably under way already; closing ends it
				}
			}
		}
		finally {
			exchange.close();
		}
	}

	private void serve(HttpExchange exchange, Endpoint.@Nullable Service service) throws IOException {
		URI uri = exchange.getRequestURI();
		String rawPath = (uri.getRawPath() != null) ? uri.getRawPath() : "/";
		Endpoint endpoint = Endpoint.forPath(rawPath);
		if (isThreeServices() && endpoint != null
				&& endpoint.service() != ((service != null) ? service : Endpoint.Service.CONFIGS)) {
			// Sent to the wrong service: production would not know the path either.
			this.misrouted.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			send(exchange, 404, "text/plain", ConfigStore.utf8("Not found on this service: " + rawPath));
			return;
		}
		byte[] rawBody;
		try (InputStream body = exchange.getRequestBody()) {
			rawBody = body.readAllBytes();
		}
		byte[] body = rawBody;
		boolean bodyDecoded = true;
		if (isGzip(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
			try (InputStream gzip = new GZIPInputStream(new ByteArrayInputStream(rawBody))) {
				body = gzip.readAllBytes();
			}
			catch (IOException ex) {
				bodyDecoded = false;
			}
		}
		String target = rawPath + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), target,
				exchange.getRequestHeaders(), body, Instant.now());
		boolean authorized = isAuthorized(exchange.getRequestHeaders().getFirst("Authorization"));
		record(endpoint, request, authorized);
		if (endpoint == null && FallomMockEvals.handles(rawPath)) {
			this.evals.serve(exchange, request, rawPath, body, authorized);
			return;
		}
		if (endpoint == null) {
			send(exchange, 404, "text/plain", ConfigStore.utf8("Not found: " + rawPath));
			return;
		}
		if (!authorized) {
			exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
			send(exchange, 401, JSON, ConfigStore.utf8("{\"error\":\"Invalid or missing API key\"}"));
			return;
		}
		// Read before the fault is taken, so that a change right after it still ends a hang
		CountDownLatch faultsChanged = this.faultsChanged;
		Fault fault = takeFault(endpoint);
		if (fault != null && applyFault(exchange, endpoint, fault, faultsChanged)) {
			return;
		}
		if (!bodyDecoded) {
			send(exchange, 400, "text/plain", ConfigStore.utf8("Body is not valid gzip"));
			return;
		}
		String method = exchange.getRequestMethod();
		boolean read = endpoint == Endpoint.CONFIGS || endpoint == Endpoint.CONFIG_VERSION
				|| endpoint == Endpoint.PROMPTS || endpoint == Endpoint.PROMPT_AB_TESTS;
		if (!method.equals(read ? "GET" : "POST")) {
			exchange.getResponseHeaders().set("Allow", read ? "GET" : "POST");
			send(exchange, 405, "text/plain", ConfigStore.utf8("Method not allowed: " + method));
			return;
		}
		switch (endpoint) {
			case CONFIGS -> serveConfigs(exchange);
			case CONFIG_VERSION -> serveConfigVersion(exchange, rawPath);
			case SESSIONS -> acceptJson(exchange, body, this.sessions);
			case SPANS -> acceptJson(exchange, body, this.metrics);
			case TRACES -> acceptTraces(exchange, body);
			case PROMPTS -> serveList(exchange, this.prompts.prompts());
			case PROMPT_AB_TESTS -> serveList(exchange, this.prompts.abTests());
		}
	}

	private static boolean isGzip(String contentEncoding) {
		if (contentEncoding == null) {
			return false;
		}
		String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
		return encoding.equals("gzip") || encoding.equals("x-gzip");
	}

	private boolean isAuthorized(String authorization) {
		// The scheme is case-insensitive (RFC 9110), the token is not
		String prefix = "Bearer ";
		return authorization != null && authorization.regionMatches(true, 0, prefix, 0, prefix.length())
				&& authorization.substring(prefix.length()).strip().equals(this.apiKey);
	}

	private void record(Endpoint endpoint, RecordedRequest request, boolean authorized) {
		synchronized (this.recordingLock) {
			this.allRequests.add(request);
			if (endpoint != null) {
				this.requestsByEndpoint.computeIfAbsent(endpoint, (key) -> new ArrayList<>()).add(request);
				if (!authorized) {
					this.unauthorized++;
				}
			}
		}
	}

	/**
	 * Apply a fault.
	 * @return whether the fault answered the request, or normal handling should go on
	 */
	private boolean applyFault(HttpExchange exchange, Endpoint endpoint, Fault fault, CountDownLatch faultsChanged)
			throws IOException {
		switch (fault.kind()) {
			case DELAY -> {
				try {
					// Returns early, answering nothing, when the server closes meanwhile
					return this.closing.await(fault.delayDuration().toNanos(), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return true;
				}
			}
			case STATUS -> {
				int code = fault.statusCode();
				if (fault.retryAfter() != null) {
					exchange.getResponseHeaders().set("Retry-After", fault.retryAfter());
				}
				send(exchange, code, "text/plain", ConfigStore.utf8("Injected fault: HTTP " + code));
				return true;
			}
			case STALLED_BODY -> {
				byte[] start = ConfigStore.utf8("{\"configs\": [");
				exchange.getResponseHeaders().set("Content-Type", JSON);
				// Promise more than is sent, so that the client waits for the rest
				exchange.sendResponseHeaders(200, start.length + 1024);
				exchange.getResponseBody().write(start);
				exchange.getResponseBody().flush();
				awaitFaultsChanged(faultsChanged);
				// Closing the exchange now ends the connection before the body is complete
				return true;
			}
			case PADDED_BODY -> {
				String list = switch (endpoint) {
					case CONFIGS -> this.configs.latest();
					case PROMPTS -> this.prompts.prompts();
					case PROMPT_AB_TESTS -> this.prompts.abTests();
					default -> null;
				};
				if (list == null) {
					return false;
				}
				byte[] json = ConfigStore.utf8(list);
				byte[] padded = new byte[Math.max(json.length, fault.size())];
				System.arraycopy(json, 0, padded, 0, json.length);
				Arrays.fill(padded, json.length, padded.length, (byte) ' ');
				send(exchange, 200, JSON, padded);
				return true;
			}
			case RESET -> {
				// Closing an exchange before its response headers closes the connection
				return true;
			}
			case HANG -> {
				awaitFaultsChanged(faultsChanged);
				return true;
			}
			case MALFORMED_BODY -> {
				if (endpoint == Endpoint.TRACES) {
					send(exchange, 200, PROTOBUF, MALFORMED_PROTOBUF);
				}
				else {
					send(exchange, 200, JSON, MALFORMED_JSON);
				}
				return true;
			}
			case BODY -> {
				send(exchange, 200, JSON, fault.bodyBytes());
				return true;
			}
		}
		throw new IllegalStateException("Unknown fault " + fault);
	}

	private void awaitFaultsChanged(CountDownLatch faultsChanged) {
		try {
			while (!this.closed.get() && !faultsChanged.await(100, TimeUnit.MILLISECONDS)) {
				// Wait for the faults to change or the server to close
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void serveConfigs(HttpExchange exchange) throws IOException {
		serveList(exchange, this.configs.latest());
	}

	private void serveList(HttpExchange exchange, String list) throws IOException {
		byte[] body = ConfigStore.utf8(list);
		if (this.etags) {
			String etag = ConfigStore.etag(body);
			exchange.getResponseHeaders().set("ETag", etag);
			if (ConfigStore.matches(exchange.getRequestHeaders().getFirst("If-None-Match"), etag)) {
				send(exchange, 304, null, new byte[0]);
				return;
			}
		}
		send(exchange, 200, JSON, body);
	}

	private void serveConfigVersion(HttpExchange exchange, String rawPath) throws IOException {
		String[] segments = rawPath.split("/");
		String key = decodePathSegment(segments[2]);
		String config = null;
		try {
			config = this.configs.get(key, Integer.parseInt(segments[4]));
		}
		catch (NumberFormatException ex) {
			// Not a version number, so no such config
		}
		if (config == null) {
			send(exchange, 404, JSON, ConfigStore.utf8("{\"error\":\"Config not found\"}"));
			return;
		}
		send(exchange, 200, JSON, ConfigStore.utf8(config));
	}

	private static String decodePathSegment(String segment) {
		// URLDecoder decodes forms, where '+' is a space; in a path it is a plus
		return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	private void acceptJson(HttpExchange exchange, byte[] body, List<Map<String, Object>> accepted)
			throws IOException {
		Map<String, Object> json = null;
		try {
			JsonNode node = this.mapper.readTree(body);
			if (node != null && node.isObject()) {
				json = this.mapper.treeToValue(node, MAP_TYPE);
			}
		}
		catch (JacksonException ex) {
			// Not JSON, answered below
		}
		if (json == null) {
			send(exchange, 400, JSON, ConfigStore.utf8("{\"error\":\"Body must be a JSON object\"}"));
			return;
		}
		synchronized (this.recordingLock) {
			accepted.add(Collections.unmodifiableMap(json));
		}
		send(exchange, 200, JSON, EMPTY_JSON_OBJECT);
	}

	private void acceptTraces(HttpExchange exchange, byte[] body) throws IOException {
		String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
		if (contentType != null && isJson(contentType)) {
			// One trace record per request, as today's SDKs send them
			acceptRecord(exchange, body);
			return;
		}
		if (contentType != null && !isProtobuf(contentType)) {
			send(exchange, 415, "text/plain",
					ConfigStore.utf8("Only application/json trace records and application/x-protobuf are supported"));
			return;
		}
		ExportTraceServiceRequest request;
		try {
			request = ExportTraceServiceRequest.parseFrom(body);
		}
		catch (InvalidProtocolBufferException ex) {
			send(exchange, 400, "text/plain", ConfigStore.utf8("Body is not an ExportTraceServiceRequest"));
			return;
		}
		synchronized (this.recordingLock) {
			this.traceRequests.add(request);
		}
		send(exchange, 200, PROTOBUF, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
	}

	private void acceptRecord(HttpExchange exchange, byte[] body) throws IOException {
		Map<String, Object> json = null;
		try {
			// Straight to the map, not through a tree: one parse per record, as a load run sends thousands
			Map<String, Object> parsed = (body.length > 0) ? this.mapper.readValue(body, MAP_TYPE) : null;
			if (parsed != null && parsed.get("trace_id") instanceof String && parsed.get("span_id") instanceof String
					&& parsed.get("name") instanceof String) {
				json = parsed;
			}
		}
		catch (JacksonException ex) {
			// Not JSON, or not an object: answered below
		}
		if (json == null) {
			// OTLP/JSON is not decoded: it would look like a record without its fields
			send(exchange, 400, JSON, ConfigStore.utf8(
					"{\"error\":\"Body must be one trace record: a JSON object with trace_id, span_id and name\"}"));
			return;
		}
		synchronized (this.recordingLock) {
			this.traceRecords.add(Collections.unmodifiableMap(json));
		}
		send(exchange, 200, JSON, EMPTY_JSON_OBJECT);
	}

	private static boolean isJson(String contentType) {
		return contentType.split(";", 2)[0].strip().equalsIgnoreCase(JSON);
	}

	private static boolean isProtobuf(String contentType) {
		String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
		return mediaType.equals(PROTOBUF) || mediaType.equals("application/protobuf");
	}

	private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		if (contentType != null) {
			exchange.getResponseHeaders().set("Content-Type", contentType);
		}
		boolean noBody = body.length == 0 || status == 204 || status == 304;
		// For HttpServer a length of 0 means chunked; -1 means no body
		exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
		if (!noBody) {
			exchange.getResponseBody().write(body);
		}
	}

}
