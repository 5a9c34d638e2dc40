package com.fallom;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.ApiKeys;
import com.fallom.internal.Arguments;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.QueueStatistics;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.SyncScheduler;
import com.fallom.internal.spool.SpoolDirectory;
import com.fallom.models.AssignmentListener;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.SessionRecorder;
import com.fallom.models.internal.PinnedVersionLoader;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptListener;
import com.fallom.prompts.PromptRefresher;
import com.fallom.prompts.PromptSync;
import com.fallom.prompts.PromptVersion;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.sync.SnapshotFile;
import com.fallom.sync.SyncListener;
import com.fallom.tracing.CustomMetricsSender;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.FallomTraceExporter;
import com.fallom.tracing.TracingProtocol;
import com.fallom.tracing.internal.BoundedExportSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.OtlpHttpExporter;
import com.fallom.tracing.internal.RecordExportSpanProcessor;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracingWarmUp;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.resources.Resource;
import org.jspecify.annotations.Nullable;

/**
 * The Fallom engine for applications with or without Spring: model assignment from
 * configs synced in the background, managed prompts and prompt A/B tests likewise,
 * session recording, custom metrics and the OTLP export of LLM spans. The Java twin of
 * the Python SDK's {@code fallom.init(api_key, base_url, capture_content)}:
 *
 * <pre class="code">
 * try (Fallom fallom = Fallom.builder().apiKey(key).captureContent(false).build()) {
 *     String model = fallom.models().get("summarizer", sessionId, "gpt-4o-mini");
 *     FallomPrompt prompt = fallom.prompts().getAb("summary-test", sessionId, Map.of("text", text));
 *     fallom.trace().span(Map.of("outlier_score", 0.8));
 * }
 * </pre>
 *
 * Without an API key it runs offline: bootstrap configs and prompts (and a snapshot
 * file) only, no thread, no socket. {@link #stop()} pauses the background work and
 * {@link #start()} resumes it; {@link #close()} flushes what is queued within the
 * shutdown timeout and ends it for good: after it, {@link #models()} and
 * {@link #prompts()} keep answering from the last configs and prompts, and nothing more
 * is sent.
 */
public final class Fallom implements AutoCloseable {

	/** The production configs service: configs, pinned versions, session records. */
	public static final URI DEFAULT_CONFIGS_URL = URI.create("https://configs.fallom.com");

	/** The production traces service: OTLP spans and custom metrics. */
	public static final URI DEFAULT_TRACES_URL = URI.create("https://traces.fallom.com");

	/** The production prompts service. */
	public static final URI DEFAULT_PROMPTS_URL = URI.create("https://prompts.fallom.com");

	private static final String INSTRUMENTATION_SCOPE = "com.fallom";

	private final boolean captureContent;

	private final int maxContentLength;

	private final Duration startupTimeout;

	private final boolean awaitFirstSync;

	private final URI configsUrl;

	private final URI tracesUrl;

	private final URI promptsUrl;

	private final ModelConfigRegistry configRegistry;

	private final FallomModels models;

	private final PromptRegistry promptRegistry;

	private final FallomPrompts prompts;

	private final @Nullable PromptRefresher promptRefresher;

	private final FallomTrace trace;

	private final @Nullable FallomHttpClient httpClient;

	private final @Nullable ConfigRefresher configRefresher;

	private final @Nullable SessionRecorder sessionRecorder;

	private final @Nullable CustomMetricsSender metricsSender;

	private final @Nullable FallomTraceExporter traceExporter;

	/** Loads OpenTelemetry's SDK tracing while an engine built without starting builds the rest. */
	private final @Nullable CompletableFuture<Void> tracingWarmUp;

	/**
	 * When the first config sync began on build ({@link System#nanoTime()}), for the
	 * start-up timeout of the first {@link #start()}; {@code 0} when it did not. Guarded
	 * by the lifecycle monitor.
	 */
	private long firstSyncBegunOnBuild;

	/** Where undelivered records wait on disk, or {@code null} for memory only. */
	private final @Nullable SpoolDirectory spool;

	private final Duration shutdownTimeout;

	private final PromptSync promptSync;

	/** Whether prompt sync runs whenever the engine runs: set at once, or on first use. */
	private final AtomicBoolean promptSyncWanted = new AtomicBoolean();

	/** Guards start, stop and close; never held while waiting for a sync. */
	private final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	private final AtomicBoolean closed = new AtomicBoolean();

	private Fallom(Builder builder) {
		this.captureContent = builder.captureContent;
		this.maxContentLength = builder.maxContentLength;
		this.startupTimeout = builder.startupTimeout;
		this.awaitFirstSync = builder.awaitFirstSync;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.promptSync = builder.promptSync;
		this.configsUrl = builder.serviceUrl(builder.configsUrl, "FALLOM_CONFIGS_URL",
				DEFAULT_CONFIGS_URL);
		this.tracesUrl = builder.serviceUrl(builder.tracesUrl, "FALLOM_TRACES_URL", DEFAULT_TRACES_URL);
		this.promptsUrl = builder.serviceUrl(builder.promptsUrl, "FALLOM_PROMPTS_URL",
				DEFAULT_PROMPTS_URL);
		SnapshotFile snapshotFile = (builder.snapshotFile != null) ? new SnapshotFile(builder.snapshotFile) : null;
		this.configRegistry = new ModelConfigRegistry(builder.bootstrapConfigs,
				(snapshotFile != null) ? ConfigRefresher.readSnapshot(snapshotFile) : null);
		this.promptRegistry = new PromptRegistry(builder.bootstrapPrompts, builder.bootstrapPromptAbTests);
		if (snapshotFile != null) {
			PromptRefresher.readSnapshot(snapshotFile, this.promptRegistry);
		}
		this.prompts = new FallomPrompts(this.promptRegistry, builder.promptListeners, this::promptsUsed);
		if (this.promptSync == PromptSync.ALWAYS || !builder.bootstrapPrompts.isEmpty()
				|| !builder.bootstrapPromptAbTests.isEmpty() || hasPrompts(this.promptRegistry)) {
			// Prompts to serve from start-up: the app uses prompts, keep them fresh at once.
			this.promptSyncWanted.set(true);
		}
		String apiKey = builder.apiKey;
		// Started first, so that it runs while this thread builds the HTTP client and the
		// senders: the private tracer provider, built after them, then finds its classes loaded.
		this.tracingWarmUp = (apiKey != null && builder.exportSpans && !builder.startOnBuild)
				? TracingWarmUp.start() : null;
		// Keyed by the backend and the key, so that no record is replayed to another project
		this.spool = (apiKey == null || builder.spoolDirectory == null) ? null
				: SpoolDirectory.open(builder.spoolDirectory, this.configsUrl + "\n" + this.tracesUrl + "\n" + apiKey,
						builder.spoolMaxBytes, builder.spoolMaxAge);
		if (apiKey == null) {
			this.httpClient = null;
			this.configRefresher = null;
			this.sessionRecorder = null;
			this.metricsSender = null;
			this.traceExporter = null;
			this.promptRefresher = null;
			this.models = new FallomModels(this.configRegistry, null, null, builder.assignmentListeners);
		}
		else {
			FallomHttpClient configsClient = new FallomHttpClient(this.configsUrl, apiKey, builder.timeout,
					builder.maxResponseSize);
			RetryBackoff retryBackoff = builder.retryBackoff.withLimits(builder.maxDeliveryAttempts,
					builder.maxRetryTime);
			FallomHttpClient tracesClient = configsClient.forService(this.tracesUrl);
			this.httpClient = configsClient;
			// One thread for every sync, from start() to stop(), not one per endpoint
			SyncScheduler syncScheduler = new SyncScheduler("fallom-sync");
			this.configRefresher = new ConfigRefresher(configsClient, this.configRegistry, builder.refreshInterval,
					builder.startupTimeout, snapshotFile, builder.clock, builder.syncListeners, syncScheduler);
			this.sessionRecorder = builder.recordSessions ? new SessionRecorder(configsClient,
					builder.sessionQueueCapacity, builder.recentSessions, builder.maxRequestsInFlight,
					retryBackoff, builder.timeout, builder.shutdownTimeout, this.spool) : null;
			this.metricsSender = new CustomMetricsSender(tracesClient, builder.metricsQueueCapacity,
					builder.maxRequestsInFlight, retryBackoff, builder.exportTimeout, builder.shutdownTimeout,
					this.spool);
			// One HTTP client for every service, the export included: no TLS set-up or threads of its own
			this.traceExporter = !builder.exportSpans ? null
					: (builder.tracingProtocol == TracingProtocol.RECORDS) ? new FallomTraceExporter(
							new RecordExportSpanProcessor(tracesClient,
									new TraceRecordMapper(this.captureContent, builder.maxContentLength,
											builder.maxRecordBytes),
									builder.spanQueueCapacity, builder.maxQueuedSpanBytes,
									RecordExportSpanProcessor.DEFAULT_MAX_IN_FLIGHT, retryBackoff,
									builder.exportTimeout, builder.shutdownTimeout, this.spool),
							builder.resource(), builder.shutdownTimeout)
					: new FallomTraceExporter(
							new BoundedExportSpanProcessor(new OtlpHttpExporter(tracesClient, builder.exportTimeout),
									builder.spanQueueCapacity, builder.maxQueuedSpanBytes, builder.spanBatchSize,
									builder.maxSpanBatchBytes, FallomTraceExporter.Settings.DEFAULT_MAX_IN_FLIGHT,
									retryBackoff, builder.exportTimeout, builder.shutdownTimeout,
									tracesClient.executor(), this.spool),
							builder.resource(), builder.shutdownTimeout);
			PinnedVersionLoader loader = new PinnedVersionLoader(configsClient, this.configRegistry, builder.timeout,
					builder.missingVersionTtl, builder.clock);
			this.models = new FallomModels(this.configRegistry, loader, this.sessionRecorder,
					builder.assignmentListeners);
			this.promptRefresher = (this.promptSync != PromptSync.OFF)
					? new PromptRefresher(configsClient.forService(this.promptsUrl), this.promptRegistry,
							builder.refreshInterval, builder.startupTimeout, snapshotFile, builder.clock, List.of(),
							syncScheduler)
					: null;
		}
		this.trace = new FallomTrace(this.metricsSender, tracer(), this.captureContent);
		if (builder.firstSyncOnBuild && !builder.startOnBuild && this.configRefresher != null && awaitsConfigs()) {
			// Its container starts it later: the sync, which start would wait for, runs
			// meanwhile, building the HTTP client and loading its classes on the sync thread
			synchronized (this.lifecycleMonitor) {
				this.firstSyncBegunOnBuild = System.nanoTime();
				// Metrics bound before start are told of the syncs done meanwhile
				this.configRefresher.startEarly();
			}
		}
	}

	/**
	 * Return a builder that falls back to {@code FALLOM_API_KEY}, {@code FALLOM_BASE_URL},
	 * {@code FALLOM_CONFIGS_URL}, {@code FALLOM_TRACES_URL}, {@code FALLOM_PROMPTS_URL} and
	 * {@code FALLOM_CAPTURE_CONTENT} for what it is not given.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder(System.getenv());
	}

	/**
	 * Return a builder that reads the given variables instead of the process environment;
	 * pass an empty map to ignore the environment.
	 * @param environment the environment variables
	 * @return the builder
	 */
	public static Builder builder(Map<String, String> environment) {
		return new Builder(environment);
	}

	/**
	 * Start the background work, or resume it after {@link #stop()}: config sync (and
	 * prompt sync, once the app uses prompts, see {@link Builder#promptSync(PromptSync)}),
	 * session recording, custom metrics and span export. Waits for the first sync only
	 * when there is nothing to serve (no bootstrap config, no snapshot, nothing synced
	 * yet), at most the start-up timeout for configs and prompts together (counted from
	 * the build when the first sync began there, see {@link Builder#firstSyncOnBuild(boolean)});
	 * otherwise the first sync runs in the background. Called by {@link Builder#build()};
	 * starting while running, or after {@link #close()}, does nothing.
	 */
	public void start() {
		boolean awaitConfigs;
		boolean awaitPrompts;
		long deadline = System.nanoTime() + this.startupTimeout.toNanos();
		long configsDeadline;
		synchronized (this.lifecycleMonitor) {
			if (this.closed.get() || this.running) {
				return;
			}
			this.running = true;
			// A first config sync begun on build has had part of its time already; the
			// prompt syncs begin now, and the wait in all stays within the timeout
			configsDeadline = (this.firstSyncBegunOnBuild != 0)
					? this.firstSyncBegunOnBuild + this.startupTimeout.toNanos() : deadline;
			this.firstSyncBegunOnBuild = 0;
			if (this.sessionRecorder != null) {
				this.sessionRecorder.start();
			}
			if (this.metricsSender != null) {
				this.metricsSender.start();
			}
			if (this.traceExporter != null) {
				this.traceExporter.start();
			}
			awaitConfigs = this.configRefresher != null && awaitsConfigs();
			if (this.configRefresher != null) {
				this.configRefresher.endEarlySyncs();
				this.configRefresher.startInBackground();
			}
			awaitPrompts = false;
			if (this.promptRefresher != null && this.promptSyncWanted.get()) {
				awaitPrompts = this.awaitFirstSync || !hasPrompts(this.promptRegistry);
				this.promptRefresher.startInBackground();
			}
		}
		// Outside the monitor: a first use of prompts on a request thread never waits on it
		if (awaitConfigs) {
			this.configRefresher.awaitFirstSync(remaining(configsDeadline));
		}
		if (awaitPrompts) {
			this.promptRefresher.awaitFirstSync(remaining(deadline));
		}
	}

	/** Whether start waits for the first config sync: nothing to serve, or told to wait. */
	private boolean awaitsConfigs() {
		return this.awaitFirstSync || this.configRegistry.getState().origin() == null;
	}

	private static boolean hasPrompts(PromptRegistry registry) {
		return !registry.snapshot().currentPrompts().isEmpty() || !registry.snapshot().abTests().isEmpty();
	}

	/**
	 * Tell the engine that the app uses prompts, for {@link PromptSync#ON}: prompt sync
	 * runs with the engine from now on, from the next {@link #start()} (which then waits
	 * for the first prompt sync only when there is no prompt to serve), or at once,
	 * without waiting, when the engine runs. Containers call it before starting the
	 * engine when the app's beans use prompts; the first prompt lookup calls it too.
	 */
	public void usePrompts() {
		promptsUsed();
	}

	/**
	 * Called on the caller's thread by the first prompt or prompt A/B test lookup: start
	 * prompt sync without waiting for it.
	 */
	private void promptsUsed() {
		if (!this.promptSyncWanted.compareAndSet(false, true) || this.promptRefresher == null) {
			return;
		}
		if (this.running) {
			this.promptRefresher.startInBackground();
			if (!this.running) {
				// Stopped meanwhile: stop() may have missed the sync just started
				this.promptRefresher.stop();
			}
		}
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	/**
	 * Whether the background work runs: started, and neither stopped nor closed.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Pause the background work: stop syncing, send what is queued within the shutdown
	 * timeout, and end the engine's threads. Nothing is closed: records, metrics and spans
	 * keep queueing (within their bounds) and {@link #start()} resumes everything, as a
	 * Spring context stopped and started again (or paused by Spring's test context cache)
	 * expects. Stopping while stopped does nothing, but for ending a config sync begun on
	 * build.
	 */
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				if (this.configRefresher != null) {
					// Never started: only a first sync begun on build may run
					this.configRefresher.stop();
					this.firstSyncBegunOnBuild = 0;
				}
				return;
			}
			this.running = false;
			if (this.configRefresher != null) {
				this.configRefresher.stop();
			}
			if (this.promptRefresher != null) {
				this.promptRefresher.stop();
			}
			// One shutdown timeout for the three queues together, not one per queue
			long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
			if (this.sessionRecorder != null) {
				this.sessionRecorder.pause(remaining(deadline));
			}
			if (this.metricsSender != null) {
				this.metricsSender.pause(remaining(deadline));
			}
			if (this.traceExporter != null) {
				this.traceExporter.pause(remaining(deadline));
			}
		}
	}

	/**
	 * Stop syncing and flush what is queued within the shutdown timeout, for good: the
	 * engine cannot be started again. Closing twice does nothing; {@link #models()} still
	 * answers from the last configs afterwards.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycleMonitor) {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			this.running = false;
			closeResources();
		}
	}

	private void closeResources() {
		if (this.configRefresher != null) {
			this.configRefresher.stop();
		}
		if (this.promptRefresher != null) {
			this.promptRefresher.stop();
		}
		// The three queues flush at once, so that closing takes one shutdown timeout at
		// most, not one per queue.
		if (this.sessionRecorder != null) {
			this.sessionRecorder.beginStop();
		}
		if (this.metricsSender != null) {
			this.metricsSender.beginStop();
		}
		if (this.traceExporter != null) {
			this.traceExporter.beginStop();
		}
		if (this.sessionRecorder != null) {
			this.sessionRecorder.stop();
		}
		if (this.metricsSender != null) {
			this.metricsSender.stop();
		}
		if (this.traceExporter != null) {
			this.traceExporter.close();
		}
		if (this.spool != null) {
			// After the queues: what they left is in it
			this.spool.close();
		}
		if (this.httpClient != null) {
			this.httpClient.close();
		}
	}

	/**
	 * Return the model assignment API.
	 * @return the models
	 */
	public FallomModels models() {
		return this.models;
	}

	/**
	 * Return the prompt management API: prompts and prompt A/B tests, rendered locally
	 * from what the background sync (or the bootstrap prompts) gave.
	 * @return the prompts
	 */
	public FallomPrompts prompts() {
		return this.prompts;
	}

	/**
	 * Return the session context and custom metrics API.
	 * @return the trace API
	 */
	public FallomTrace trace() {
		return this.trace;
	}

	/**
	 * The loading of OpenTelemetry's SDK tracing started when this engine was built online
	 * without starting, with span export, for tests.
	 */
	@Nullable CompletableFuture<Void> tracingWarmUp() {
		return this.tracingWarmUp;
	}

	/**
	 * Return the tracer of the spans exported to Fallom, for integrations (Spring AI,
	 * LangChain4j); a no-op tracer when offline or when span export is off.
	 * @return the tracer
	 */
	public Tracer tracer() {
		return (this.traceExporter != null) ? this.traceExporter.getTracer()
				: TracerProvider.noop().get(INSTRUMENTATION_SCOPE);
	}

	/**
	 * Whether prompts and completions may be sent with spans.
	 * @return whether content is captured
	 */
	public boolean isCaptureContent() {
		return this.captureContent;
	}

	/**
	 * Return the most characters of one content value (a prompt message, completion, tool
	 * argument or result) sent with a span; longer ones are cut and the span marked
	 * {@code fallom.content_truncated}.
	 * @return the most characters
	 */
	public int getMaxContentLength() {
		return this.maxContentLength;
	}

	/**
	 * Whether an API key was given, so that the engine talks to the backend.
	 * @return whether it is online
	 */
	public boolean isOnline() {
		return this.httpClient != null;
	}

	public URI getConfigsUrl() {
		return this.configsUrl;
	}

	public URI getTracesUrl() {
		return this.tracesUrl;
	}

	public URI getPromptsUrl() {
		return this.promptsUrl;
	}

	/**
	 * Return the configs being served.
	 * @return the config registry
	 */
	public ModelConfigRegistry configRegistry() {
		return this.configRegistry;
	}

	/**
	 * Return the background config sync.
	 * @return the refresher, or {@code null} when offline
	 */
	public @Nullable ConfigRefresher configRefresher() {
		return this.configRefresher;
	}

	/**
	 * Return the prompts and prompt A/B tests being served.
	 * @return the prompt registry
	 */
	public PromptRegistry promptRegistry() {
		return this.promptRegistry;
	}

	/**
	 * Return the background prompt sync.
	 * @return the refresher, or {@code null} when offline or when prompt sync is off
	 */
	public @Nullable PromptRefresher promptRefresher() {
		return this.promptRefresher;
	}

	/**
	 * Return the span exporter.
	 * @return the exporter, or {@code null} when offline or when span export is off
	 */
	public @Nullable FallomTraceExporter traceExporter() {
		return this.traceExporter;
	}

	/**
	 * Return the send queues (session records, custom metrics, spans), for metrics.
	 * @return the queues, empty when offline
	 */
	public List<QueueStatistics> queues() {
		List<QueueStatistics> queues = new ArrayList<>();
		if (this.sessionRecorder != null) {
			queues.add(this.sessionRecorder);
		}
		if (this.metricsSender != null) {
			queues.add(this.metricsSender);
		}
		if (this.traceExporter != null) {
			queues.add(this.traceExporter);
		}
		return List.copyOf(queues);
	}

	/**
	 * Builds a {@link Fallom} engine. Every setting has the Spring Boot starter's default;
	 * connection settings not given are read from the environment.
	 */
	public static final class Builder {

		private final Map<String, String> environment;

		private @Nullable String apiKey;

		private @Nullable URI baseUrl;

		private @Nullable URI configsUrl;

		private @Nullable URI tracesUrl;

		private @Nullable URI promptsUrl;

		private boolean captureContent = true;

		private boolean captureContentSet;

		private int maxContentLength = GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH;

		private final List<ModelConfig> bootstrapConfigs = new ArrayList<>();

		private final List<PromptVersion> bootstrapPrompts = new ArrayList<>();

		private final List<PromptAbTest> bootstrapPromptAbTests = new ArrayList<>();

		private final List<PromptListener> promptListeners = new ArrayList<>();

		private PromptSync promptSync = PromptSync.ALWAYS;

		private Duration refreshInterval = Duration.ofSeconds(30);

		private Duration timeout = Duration.ofSeconds(2);

		private Duration startupTimeout = Duration.ofSeconds(2);

		private boolean awaitFirstSync;

		private Duration missingVersionTtl = Duration.ofMinutes(1);

		private boolean recordSessions = true;

		private int sessionQueueCapacity = 10_000;

		private int recentSessions = 65_536;

		private @Nullable Path snapshotFile;

		private boolean exportSpans = true;

		private TracingProtocol tracingProtocol = TracingProtocol.RECORDS;

		private int maxRecordBytes = TraceRecordMapper.DEFAULT_MAX_RECORD_BYTES;

		private int spanQueueCapacity = 2048;

		private long maxQueuedSpanBytes = 16L * 1024 * 1024;

		private int spanBatchSize = 256;

		private long maxSpanBatchBytes = FallomTraceExporter.Settings.DEFAULT_MAX_BATCH_BYTES;

		private int maxRequestsInFlight = SessionRecorder.DEFAULT_MAX_IN_FLIGHT;

		private RetryBackoff retryBackoff = RetryBackoff.DEFAULT;

		private int maxDeliveryAttempts = RetryBackoff.DEFAULT_MAX_ATTEMPTS;

		private Duration maxRetryTime = RetryBackoff.DEFAULT_MAX_RETRY_TIME;

		private @Nullable Path spoolDirectory;

		private long spoolMaxBytes = SpoolDirectory.DEFAULT_MAX_BYTES;

		private Duration spoolMaxAge = SpoolDirectory.DEFAULT_MAX_AGE;

		private long maxResponseSize = FallomHttpClient.DEFAULT_MAX_RESPONSE_BYTES;

		private Duration exportTimeout = Duration.ofSeconds(5);

		private int metricsQueueCapacity = 10_000;

		private Duration shutdownTimeout = Duration.ofSeconds(2);

		private @Nullable Resource resource;

		private @Nullable String serviceName;

		private Clock clock = Clock.systemUTC();

		private boolean startOnBuild = true;

		private boolean firstSyncOnBuild;

		private final List<AssignmentListener> assignmentListeners = new ArrayList<>();

		private final List<SyncListener> syncListeners = new ArrayList<>();

		private Builder(Map<String, String> environment) {
			this.environment = Map.copyOf(environment);
		}

		/**
		 * Set the API key; without one (here or in {@code FALLOM_API_KEY}) the engine
		 * runs offline. Whitespace around it, such as the line break that ends a key read
		 * from a file or a Kubernetes secret, is stripped.
		 * @param apiKey the API key, or {@code null} for the environment's
		 * @return this builder
		 * @throws IllegalArgumentException when the key is blank or holds a control or
		 * other non-visible character; the message never shows the key
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = (apiKey != null) ? ApiKeys.clean(apiKey, "'apiKey'") : null;
			return this;
		}

		/**
		 * Set one URL for every Fallom service, as for a local mock backend; a service's own
		 * URL wins over it.
		 * @param baseUrl an absolute http(s) URL
		 * @return this builder
		 * @throws IllegalArgumentException when the URL is malformed
		 */
		public Builder baseUrl(@Nullable String baseUrl) {
			this.baseUrl = url("baseUrl", baseUrl);
			return this;
		}

		/**
		 * Set the URL of the configs service ({@code /configs}, {@code /sessions}).
		 * @param configsUrl an absolute http(s) URL
		 * @return this builder
		 * @throws IllegalArgumentException when the URL is malformed
		 */
		public Builder configsUrl(@Nullable String configsUrl) {
			this.configsUrl = url("configsUrl", configsUrl);
			return this;
		}

		/**
		 * Set the URL of the traces service (OTLP {@code /v1/traces}, {@code /spans}).
		 * @param tracesUrl an absolute http(s) URL
		 * @return this builder
		 * @throws IllegalArgumentException when the URL is malformed
		 */
		public Builder tracesUrl(@Nullable String tracesUrl) {
			this.tracesUrl = url("tracesUrl", tracesUrl);
			return this;
		}

		/**
		 * Set the URL of the prompts service.
		 * @param promptsUrl an absolute http(s) URL
		 * @return this builder
		 * @throws IllegalArgumentException when the URL is malformed
		 */
		public Builder promptsUrl(@Nullable String promptsUrl) {
			this.promptsUrl = url("promptsUrl", promptsUrl);
			return this;
		}

		/**
		 * Set whether prompts and completions are sent with spans (default {@code true},
		 * or {@code FALLOM_CAPTURE_CONTENT}).
		 * @param captureContent whether content is captured
		 * @return this builder
		 */
		public Builder captureContent(boolean captureContent) {
			this.captureContent = captureContent;
			this.captureContentSet = true;
			return this;
		}

		/**
		 * Set the most characters of one content value sent with a call: a prompt
		 * message, completion, tool argument or result (default 32,768). Longer values are
		 * cut, and the trace record (or the OTLP span, marked
		 * {@code fallom.content_truncated}) says so; the content of one span is at most
		 * {@value GenAiAttributes#MAX_CONTENT_CHARS_PER_SPAN} characters in all, whatever
		 * this is.
		 * @param maxContentLength between 1 and
		 * {@value GenAiAttributes#MAX_CONTENT_CHARS_PER_SPAN}
		 * @return this builder
		 */
		public Builder maxContentLength(int maxContentLength) {
			Arguments.isTrue(maxContentLength > 0 && maxContentLength <= GenAiAttributes.MAX_CONTENT_CHARS_PER_SPAN,
					() -> "'maxContentLength' must be between 1 and " + GenAiAttributes.MAX_CONTENT_CHARS_PER_SPAN
							+ ", was " + maxContentLength);
			this.maxContentLength = maxContentLength;
			return this;
		}

		/**
		 * Add a config served before the first sync, and for good when offline.
		 * @param config the config
		 * @return this builder
		 */
		public Builder bootstrapConfig(ModelConfig config) {
			Arguments.notNull(config, "'bootstrapConfig' must not be null");
			this.bootstrapConfigs.removeIf((existing) -> existing.getKey().equals(config.getKey()));
			this.bootstrapConfigs.add(config);
			return this;
		}

		/**
		 * Add a prompt version served before the first prompt sync, and for good when
		 * offline; the last version added for a key is its current one, the others can be
		 * pinned.
		 * @param prompt the prompt version
		 * @return this builder
		 */
		public Builder bootstrapPrompt(PromptVersion prompt) {
			Arguments.notNull(prompt, "'bootstrapPrompt' must not be null");
			this.bootstrapPrompts.removeIf((existing) -> existing.key().equals(prompt.key())
					&& existing.version() == prompt.version());
			this.bootstrapPrompts.add(prompt);
			return this;
		}

		/**
		 * Add a prompt A/B test served before the first prompt sync, and for good when
		 * offline.
		 * @param abTest the test
		 * @return this builder
		 */
		public Builder bootstrapPromptAbTest(PromptAbTest abTest) {
			Arguments.notNull(abTest, "'bootstrapPromptAbTest' must not be null");
			this.bootstrapPromptAbTests.removeIf((existing) -> existing.key().equals(abTest.key()));
			this.bootstrapPromptAbTests.add(abTest);
			return this;
		}

		/**
		 * Set whether prompts and prompt A/B tests are synced from the prompts service
		 * when online: {@code true} is {@link PromptSync#ALWAYS} (the default),
		 * {@code false} {@link PromptSync#OFF}, where only the bootstrap ones are served.
		 * @param syncPrompts whether to sync prompts
		 * @return this builder
		 */
		public Builder syncPrompts(boolean syncPrompts) {
			return promptSync(syncPrompts ? PromptSync.ALWAYS : PromptSync.OFF);
		}

		/**
		 * Set when prompts and prompt A/B tests are synced from the prompts service when
		 * online (default {@link PromptSync#ALWAYS}, since {@link #build()} starts the
		 * engine before the app can ask for a prompt; the Spring Boot starter uses
		 * {@link PromptSync#ON}, see {@link Fallom#usePrompts()}).
		 * @param promptSync when to sync prompts
		 * @return this builder
		 */
		public Builder promptSync(PromptSync promptSync) {
			Arguments.notNull(promptSync, "'promptSync' must not be null");
			this.promptSync = promptSync;
			return this;
		}

		/**
		 * Tell a listener of every prompt given, e.g. to count prompt A/B assignments.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder promptListener(PromptListener listener) {
			Arguments.notNull(listener, "'promptListener' must not be null");
			this.promptListeners.add(listener);
			return this;
		}

		/**
		 * Set the time between config syncs (default 30 s).
		 * @param refreshInterval a positive duration
		 * @return this builder
		 */
		public Builder refreshInterval(Duration refreshInterval) {
			this.refreshInterval = positive("refreshInterval", refreshInterval);
			return this;
		}

		/**
		 * Set the timeout of one backend request (default 2 s).
		 * @param timeout a positive duration
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = positive("timeout", timeout);
			return this;
		}

		/**
		 * Set the longest {@link #build()} waits for the first syncs of configs, prompts
		 * and prompt A/B tests, in all (default 2 s); zero does not wait. It waits only
		 * when there is nothing to serve (no bootstrap config, no snapshot).
		 * @param startupTimeout a duration, zero or more
		 * @return this builder
		 */
		public Builder startupTimeout(Duration startupTimeout) {
			this.startupTimeout = notNegative("startupTimeout", startupTimeout);
			return this;
		}

		/**
		 * Set whether {@link #build()} waits for the first syncs (within the start-up
		 * timeout) even when bootstrap configs, prompts or a snapshot could serve at once
		 * (default false). For tests against a local mock backend, whose first call should
		 * see the mock's configs rather than the bootstrap ones.
		 * @param awaitFirstSync whether to wait
		 * @return this builder
		 */
		public Builder awaitFirstSync(boolean awaitFirstSync) {
			this.awaitFirstSync = awaitFirstSync;
			return this;
		}

		/**
		 * Set how long a pinned version the backend does not have is not asked for again
		 * (default 1 min).
		 * @param missingVersionTtl a duration, zero or more
		 * @return this builder
		 */
		public Builder missingVersionTtl(Duration missingVersionTtl) {
			this.missingVersionTtl = notNegative("missingVersionTtl", missingVersionTtl);
			return this;
		}

		/**
		 * Set whether assignments are recorded with {@code POST /sessions} (default
		 * {@code true}).
		 * @param recordSessions whether to record sessions
		 * @return this builder
		 */
		public Builder recordSessions(boolean recordSessions) {
			this.recordSessions = recordSessions;
			return this;
		}

		/**
		 * Set the most session records waiting to be sent (default 10,000).
		 * @param sessionQueueCapacity a positive capacity
		 * @return this builder
		 */
		public Builder sessionQueueCapacity(int sessionQueueCapacity) {
			this.sessionQueueCapacity = positive("sessionQueueCapacity", sessionQueueCapacity);
			return this;
		}

		/**
		 * Set how many recently recorded sessions are remembered so as not to record them
		 * again (default 65,536, at most {@value SessionRecorder#MAX_RECENT_SESSIONS}: 8
		 * bytes of heap each).
		 * @param recentSessions a capacity between 1 and
		 * {@value SessionRecorder#MAX_RECENT_SESSIONS}
		 * @return this builder
		 */
		public Builder recentSessions(int recentSessions) {
			Arguments.isTrue(recentSessions > 0 && recentSessions <= SessionRecorder.MAX_RECENT_SESSIONS,
					() -> "'recentSessions' must be between 1 and " + SessionRecorder.MAX_RECENT_SESSIONS
							+ " (8 bytes of heap each), was " + recentSessions);
			this.recentSessions = recentSessions;
			return this;
		}

		/**
		 * Set the file that keeps the last good configs across restarts (default none);
		 * the prompts and prompt A/B tests are kept beside it, in the same name with
		 * {@code .prompts} and {@code .prompt-ab-tests} appended.
		 * @param snapshotFile the file, or {@code null}
		 * @return this builder
		 */
		public Builder snapshotFile(@Nullable Path snapshotFile) {
			this.snapshotFile = snapshotFile;
			return this;
		}

		/**
		 * Set whether LLM spans are exported to Fallom (default {@code true}).
		 * @param exportSpans whether to export spans
		 * @return this builder
		 */
		public Builder exportSpans(boolean exportSpans) {
			this.exportSpans = exportSpans;
			return this;
		}

		/**
		 * Set the wire format of exported spans (default {@code records}, one JSON trace
		 * record per call as today's SDKs send; {@code otlp} for OTLP/HTTP protobuf).
		 * @param tracingProtocol {@code records} or {@code otlp}, in any case
		 * @return this builder
		 * @throws IllegalArgumentException naming the setting for any other value
		 */
		public Builder tracingProtocol(String tracingProtocol) {
			this.tracingProtocol = TracingProtocol.of(tracingProtocol, "tracingProtocol");
			return this;
		}

		/**
		 * Set the wire format of exported spans (default {@link TracingProtocol#RECORDS}).
		 * @param tracingProtocol the protocol
		 * @return this builder
		 */
		public Builder tracingProtocol(TracingProtocol tracingProtocol) {
			Arguments.notNull(tracingProtocol, "'tracingProtocol' must not be null");
			this.tracingProtocol = tracingProtocol;
			return this;
		}

		/**
		 * Set the most bytes of one trace record (default 1 MB); a bigger record sheds its
		 * content, never its session, model, usage or status, and says so.
		 * @param maxRecordBytes a positive size in bytes
		 * @return this builder
		 */
		public Builder maxRecordBytes(int maxRecordBytes) {
			this.maxRecordBytes = positive("maxRecordBytes", maxRecordBytes);
			return this;
		}

		/**
		 * Set the most spans waiting to be exported (default 2,048).
		 * @param spanQueueCapacity a positive capacity
		 * @return this builder
		 */
		public Builder spanQueueCapacity(int spanQueueCapacity) {
			this.spanQueueCapacity = positive("spanQueueCapacity", spanQueueCapacity);
			return this;
		}

		/**
		 * Set the most bytes of span attributes waiting to be exported (default 16 MB).
		 * @param maxQueuedSpanBytes a positive size in bytes
		 * @return this builder
		 */
		public Builder maxQueuedSpanBytes(long maxQueuedSpanBytes) {
			Arguments.isTrue(maxQueuedSpanBytes > 0, "'maxQueuedSpanBytes' must be positive, was " + maxQueuedSpanBytes);
			this.maxQueuedSpanBytes = maxQueuedSpanBytes;
			return this;
		}

		/**
		 * Set the most spans in one export request (default 256).
		 * @param spanBatchSize a positive size
		 * @return this builder
		 */
		public Builder spanBatchSize(int spanBatchSize) {
			this.spanBatchSize = positive("spanBatchSize", spanBatchSize);
			return this;
		}

		/**
		 * Set the most estimated bytes of spans in one export request (default 4 MB); a
		 * single bigger span goes alone.
		 * @param maxSpanBatchBytes a positive size in bytes
		 * @return this builder
		 */
		public Builder maxSpanBatchBytes(long maxSpanBatchBytes) {
			Arguments.isTrue(maxSpanBatchBytes > 0, "'maxSpanBatchBytes' must be positive, was " + maxSpanBatchBytes);
			this.maxSpanBatchBytes = maxSpanBatchBytes;
			return this;
		}

		/**
		 * Set the most session-record and custom-metric requests under way at once, per
		 * queue (default 64): the throughput of each is this many records per round trip.
		 * @param maxRequestsInFlight a positive count
		 * @return this builder
		 */
		public Builder maxRequestsInFlight(int maxRequestsInFlight) {
			this.maxRequestsInFlight = positive("maxRequestsInFlight", maxRequestsInFlight);
			return this;
		}

		/**
		 * Set the back-off between retries of a failed send, for session records, custom
		 * metrics and spans (default 500 ms, doubling up to 10 s). What fails waits in its
		 * queue and is sent once the backend answers again.
		 * @param initial the delay after the first failure, positive
		 * @param max the longest delay, not less than {@code initial}
		 * @return this builder
		 */
		public Builder retryBackoff(Duration initial, Duration max) {
			this.retryBackoff = new RetryBackoff(positive("initial", initial), positive("max", max));
			return this;
		}

		/**
		 * Set the most sends of one session record, metric record or span batch whose
		 * sending fails for a reason that may pass (default 10); then it is given up and
		 * counted as expired.
		 * @param maxDeliveryAttempts a positive count
		 * @return this builder
		 */
		public Builder maxDeliveryAttempts(int maxDeliveryAttempts) {
			this.maxDeliveryAttempts = positive("maxDeliveryAttempts", maxDeliveryAttempts);
			return this;
		}

		/**
		 * Set the longest time a failed send is retried, from its first attempt (default
		 * 10 minutes); then it is given up and counted as expired.
		 * @param maxRetryTime a positive duration
		 * @return this builder
		 */
		public Builder maxRetryTime(Duration maxRetryTime) {
			this.maxRetryTime = positive("maxRetryTime", maxRetryTime);
			return this;
		}

		/**
		 * Set the directory where session records, custom metrics and spans (trace records
		 * or OTLP) wait on disk when they cannot be sent (default none: memory only): a
		 * backed-up queue's overflow, what a failing backend leaves, what is left at
		 * shutdown; sent once the backend answers, by this process or the next one. One
		 * process per directory: another one finds it locked, logs one WARN and keeps to
		 * memory, as it does when the directory cannot be written.
		 * @param spoolDirectory the directory, created when missing, or {@code null}
		 * @return this builder
		 */
		public Builder spoolDirectory(@Nullable Path spoolDirectory) {
			this.spoolDirectory = spoolDirectory;
			return this;
		}

		/**
		 * Set the most bytes the spool takes on disk (default 512 MB): beyond, its oldest
		 * items are dropped and counted.
		 * @param spoolMaxBytes a positive size in bytes
		 * @return this builder
		 */
		public Builder spoolMaxBytes(long spoolMaxBytes) {
			Arguments.isTrue(spoolMaxBytes > 0, () -> "'spoolMaxBytes' must be positive, was " + spoolMaxBytes);
			this.spoolMaxBytes = spoolMaxBytes;
			return this;
		}

		/**
		 * Set the oldest item the spool keeps (default 24 hours): older items are dropped
		 * and counted.
		 * @param spoolMaxAge a positive duration
		 * @return this builder
		 */
		public Builder spoolMaxAge(Duration spoolMaxAge) {
			this.spoolMaxAge = positive("spoolMaxAge", spoolMaxAge);
			return this;
		}

		/**
		 * Set the most bytes of one answer from the backend (default 32 MB): a larger
		 * answer fails that request, and a sync keeps its last good state.
		 * @param maxResponseSize a positive size in bytes, less than 2 GB
		 * @return this builder
		 */
		public Builder maxResponseSize(long maxResponseSize) {
			Arguments.isTrue(maxResponseSize > 0 && maxResponseSize <= Integer.MAX_VALUE - 8,
					"'maxResponseSize' must be positive and less than 2 GB, was " + maxResponseSize);
			this.maxResponseSize = maxResponseSize;
			return this;
		}

		/**
		 * Set the timeout of one export request (default 5 s).
		 * @param exportTimeout a positive duration
		 * @return this builder
		 */
		public Builder exportTimeout(Duration exportTimeout) {
			this.exportTimeout = positive("exportTimeout", exportTimeout);
			return this;
		}

		/**
		 * Set the most custom metric records waiting to be sent (default 10,000).
		 * @param metricsQueueCapacity a positive capacity
		 * @return this builder
		 */
		public Builder metricsQueueCapacity(int metricsQueueCapacity) {
			this.metricsQueueCapacity = positive("metricsQueueCapacity", metricsQueueCapacity);
			return this;
		}

		/**
		 * Set the longest {@link Fallom#stop()} and {@link Fallom#close()} flush queued
		 * records (default 2 s).
		 * @param shutdownTimeout a duration, zero or more
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = notNegative("shutdownTimeout", shutdownTimeout);
			return this;
		}

		/**
		 * Set the OpenTelemetry resource of exported spans (default: the SDK's default
		 * with the service name, if given).
		 * @param resource the resource
		 * @return this builder
		 */
		public Builder resource(Resource resource) {
			this.resource = resource;
			return this;
		}

		/**
		 * Set the {@code service.name} of exported spans.
		 * @param serviceName the service name
		 * @return this builder
		 */
		public Builder serviceName(String serviceName) {
			Arguments.hasText(serviceName, "'serviceName' must not be blank");
			this.serviceName = serviceName;
			return this;
		}

		/**
		 * Set the clock, for tests.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Tell a listener of every assignment, e.g. for metrics.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder assignmentListener(AssignmentListener listener) {
			this.assignmentListeners.add(listener);
			return this;
		}

		/**
		 * Tell a listener of every config sync, e.g. for metrics.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder syncListener(SyncListener listener) {
			this.syncListeners.add(listener);
			return this;
		}

		/**
		 * Set whether {@link #build()} starts the background work (default {@code true});
		 * a container that manages lifecycles calls {@link Fallom#start()} itself.
		 * @param startOnBuild whether to start on build
		 * @return this builder
		 */
		public Builder startOnBuild(boolean startOnBuild) {
			this.startOnBuild = startOnBuild;
			return this;
		}

		/**
		 * Set whether an engine built without starting (see {@link #startOnBuild(boolean)})
		 * begins its first config sync at once, in the background, when {@link Fallom#start()}
		 * would wait for it (nothing to serve, or {@link #awaitFirstSync(boolean)}); default
		 * {@code false}. For a container that builds the engine well before it starts it:
		 * the sync runs while the container creates everything else, and {@code start()}
		 * waits only for what is left of the start-up timeout, counted from the build. The
		 * config sync then runs from the build on; {@link Fallom#stop()} and
		 * {@link Fallom#close()} end it. Nothing else (delivery, prompt sync) runs before
		 * {@code start()}.
		 * @param firstSyncOnBuild whether to begin the first config sync on build
		 * @return this builder
		 */
		public Builder firstSyncOnBuild(boolean firstSyncOnBuild) {
			this.firstSyncOnBuild = firstSyncOnBuild;
			return this;
		}

		/**
		 * Build the engine and, unless told otherwise, start it: when there is nothing to
		 * serve yet, the first syncs are waited for at most the start-up timeout in all.
		 * @return the engine
		 * @throws IllegalArgumentException when an environment variable holds a bad value
		 */
		public Fallom build() {
			if (this.apiKey == null) {
				String fromEnvironment = this.environment.get("FALLOM_API_KEY");
				this.apiKey = Arguments.hasText(fromEnvironment) ? ApiKeys.clean(fromEnvironment, "FALLOM_API_KEY")
						: null;
			}
			if (!this.captureContentSet && this.environment.containsKey("FALLOM_CAPTURE_CONTENT")) {
				// As the Python SDK reads it: false, 0 and no turn capture off.
				String value = this.environment.get("FALLOM_CAPTURE_CONTENT").strip().toLowerCase(Locale.ROOT);
				this.captureContent = !(value.equals("false") || value.equals("0") || value.equals("no"));
			}
			Fallom fallom = new Fallom(this);
			if (this.startOnBuild) {
				fallom.start();
			}
			return fallom;
		}

		/**
		 * The URL of a service: its own setting, then the base URL, then its own
		 * environment variable, then {@code FALLOM_BASE_URL}, then production.
		 */
		private URI serviceUrl(@Nullable URI own, String variable, URI production) {
			if (own != null) {
				return own;
			}
			if (this.baseUrl != null) {
				return this.baseUrl;
			}
			URI fromEnvironment = url(variable, this.environment.get(variable));
			if (fromEnvironment != null) {
				return fromEnvironment;
			}
			URI baseFromEnvironment = url("FALLOM_BASE_URL", this.environment.get("FALLOM_BASE_URL"));
			return (baseFromEnvironment != null) ? baseFromEnvironment : production;
		}

		private Resource resource() {
			if (this.resource != null) {
				return this.resource;
			}
			if (this.serviceName == null) {
				return Resource.getDefault();
			}
			return Resource.getDefault()
				.merge(Resource.builder().put(AttributeKey.stringKey("service.name"), this.serviceName).build());
		}

		private static @Nullable URI url(String name, @Nullable String value) {
			if (value == null || value.isBlank()) {
				return null;
			}
			try {
				URI uri = new URI(value.strip());
				String scheme = uri.getScheme();
				Arguments.isTrue(uri.isAbsolute() && uri.getHost() != null
						&& ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)),
						() -> "'" + name + "' must be an absolute http(s) URL, was '" + value + "'");
				return uri;
			}
			catch (URISyntaxException ex) {
				throw new IllegalArgumentException("'" + name + "' is not a valid URL: " + ex.getMessage(), ex);
			}
		}

		private static Duration positive(String name, Duration value) {
			Arguments.isTrue(value != null && !value.isNegative() && !value.isZero(),
					() -> "'" + name + "' must be a positive duration, was " + value);
			return value;
		}

		private static Duration notNegative(String name, Duration value) {
			Arguments.isTrue(value != null && !value.isNegative(),
					() -> "'" + name + "' must not be a negative duration, was " + value);
			return value;
		}

		private static int positive(String name, int value) {
			Arguments.isTrue(value > 0, () -> "'" + name + "' must be positive, was " + value);
			return value;
		}

	}

}
