package com.fallom.models;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.BackgroundSender;
import com.fallom.internal.DaemonThreadFactory;
import com.fallom.internal.FallomHttpClient;
import com.fallom.models.internal.ConfigParser;
import com.fallom.models.internal.SnapshotFile;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the {@link ModelConfigRegistry} in step with the backend's {@code GET /configs}:
 * one fetch at start-up bounded by a start-up timeout, then one every refresh interval
 * (with jitter, and backing off while the backend refuses), on one private daemon thread.
 * Whatever fails, the last good configs stay.
 */
public class ConfigRefresher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ConfigRefresher.class);

	private static final int MAX_BACKOFF_DOUBLINGS = 6;

	private static final Duration MIN_MAX_BACKOFF = Duration.ofMinutes(5);

	private final FallomHttpClient client;

	private final ModelConfigRegistry registry;

	private final Duration refreshInterval;

	private final Duration startupTimeout;

	private final @Nullable SnapshotFile snapshotFile;

	private final Clock clock;

	private final ConfigSyncListener[] listeners;

	private final AtomicBoolean inProgress = new AtomicBoolean();

	private final Set<String> warnedInvalidKeys = new HashSet<>();

	private final Object lifecycleMonitor = new Object();

	private volatile SyncStatus status = SyncStatus.NEVER;

	private volatile @Nullable String etag;

	private volatile @Nullable Duration retryAfter;

	private volatile @Nullable Duration lastSyncDuration;

	private @Nullable ScheduledExecutorService executor;

	private boolean failing;

	/**
	 * Create a refresher; nothing runs until {@link #start()}.
	 * @param client the HTTP client
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good sync, or {@code null}
	 * @param clock the clock
	 */
	public ConfigRefresher(FallomHttpClient client, ModelConfigRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock) {
		this(client, registry, refreshInterval, startupTimeout, snapshotFile, clock, List.of());
	}

	/**
	 * Create a refresher that tells listeners of every sync; nothing runs until
	 * {@link #start()}.
	 * @param client the HTTP client
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good sync, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync, on the syncing thread
	 */
	public ConfigRefresher(FallomHttpClient client, ModelConfigRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock,
			List<ConfigSyncListener> listeners) {
		this.listeners = listeners.toArray(ConfigSyncListener[]::new);
		this.client = client;
		this.registry = registry;
		this.refreshInterval = refreshInterval;
		this.startupTimeout = startupTimeout;
		this.snapshotFile = snapshotFile;
		this.clock = clock;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor;
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null) {
				return;
			}
			ScheduledThreadPoolExecutor scheduled = new ScheduledThreadPoolExecutor(1,
					new DaemonThreadFactory("fallom-config-refresh"));
			scheduled.setRemoveOnCancelPolicy(true);
			scheduled.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			this.executor = scheduled;
			executor = scheduled;
		}
		Future<?> first = executor.submit(this::tick);
		try {
			first.get(this.startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Fallom configs not fetched within the start-up timeout of " + this.startupTimeout.toMillis()
					+ " ms; serving " + describe(this.registry.getState()) + " until the backend answers");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// tick() never throws; nothing else can fail here.
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor;
		synchronized (this.lifecycleMonitor) {
			executor = this.executor;
			this.executor = null;
		}
		if (executor == null) {
			return;
		}
		executor.shutdownNow();
		try {
			if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
				logger.warn("Fallom config refresh thread did not stop within 2 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.executor != null;
		}
	}

	@Override
	public int getPhase() {
		// Starts before the web server takes traffic and stops after it.
		return BackgroundSender.PHASE;
	}

	/**
	 * Return what the sync has done so far.
	 * @return the status
	 */
	public SyncStatus getStatus() {
		return this.status;
	}

	/**
	 * Return the time between syncs.
	 * @return the refresh interval
	 */
	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * Return how long the last sync took, from request to applied configs.
	 * @return the duration, or {@code null} before the first sync
	 */
	public @Nullable Duration getLastSyncDuration() {
		return this.lastSyncDuration;
	}

	/**
	 * Sync now, on the calling thread, unless a sync is already running.
	 * @return whether a sync ran and succeeded
	 */
	public boolean refreshNow() {
		if (!this.inProgress.compareAndSet(false, true)) {
			return false;
		}
		try {
			return timedRefresh().isSuccess();
		}
		finally {
			this.inProgress.set(false);
		}
	}

	private void tick() {
		Duration delay = this.refreshInterval;
		try {
			if (this.inProgress.compareAndSet(false, true)) {
				try {
					delay = nextDelay(timedRefresh());
				}
				finally {
					this.inProgress.set(false);
				}
			}
		}
		catch (Throwable ex) {
			logger.warn("Fallom config refresh failed unexpectedly: " + ex);
		}
		scheduleNext(delay);
	}

	private void scheduleNext(Duration delay) {
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null && !this.executor.isShutdown()) {
				this.executor.schedule(this::tick, withJitter(delay).toMillis(), TimeUnit.MILLISECONDS);
			}
		}
	}

	private Duration withJitter(Duration delay) {
		// +/- 10 %, so that a fleet restarted together does not sync in lock-step.
		long millis = delay.toMillis();
		long jitter = millis / 10;
		return Duration.ofMillis(Math.max(1, millis + ((jitter > 0) ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0)));
	}

	private Duration nextDelay(SyncOutcome outcome) {
		Duration delay = delayAfter(outcome == SyncOutcome.REFUSED, this.status.consecutiveFailures(),
				this.refreshInterval);
		Duration retryAfter = this.retryAfter;
		this.retryAfter = null;
		return (retryAfter != null) ? honourRetryAfter(delay, retryAfter, this.refreshInterval) : delay;
	}

	private static Duration maxBackoff(Duration refreshInterval) {
		return (refreshInterval.compareTo(MIN_MAX_BACKOFF) > 0) ? refreshInterval : MIN_MAX_BACKOFF;
	}

	/**
	 * Return the delay stretched to a {@code Retry-After} the backend asked for, never
	 * longer than the back-off's own cap.
	 */
	static Duration honourRetryAfter(Duration delay, Duration retryAfter, Duration refreshInterval) {
		Duration maxBackoff = maxBackoff(refreshInterval);
		Duration wanted = (retryAfter.compareTo(delay) > 0) ? retryAfter : delay;
		return (wanted.compareTo(maxBackoff) > 0) ? maxBackoff : wanted;
	}

	/**
	 * Parse a {@code Retry-After} header given in seconds (the HTTP-date form is ignored).
	 */
	static @Nullable Duration parseRetryAfter(@Nullable String header) {
		if (header == null) {
			return null;
		}
		try {
			long seconds = Long.parseLong(header.strip());
			return (seconds > 0) ? Duration.ofSeconds(seconds) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Return the time to the next sync: the refresh interval, doubled per consecutive
	 * refusal (401, 403, 404, 429, 5xx) up to the larger of 5 minutes and the interval.
	 */
	static Duration delayAfter(boolean refused, int consecutiveFailures, Duration refreshInterval) {
		if (!refused) {
			return refreshInterval;
		}
		int doublings = Math.min(consecutiveFailures, MAX_BACKOFF_DOUBLINGS);
		Duration maxBackoff = maxBackoff(refreshInterval);
		Duration backoff = refreshInterval.multipliedBy(1L << doublings);
		return (backoff.compareTo(maxBackoff) > 0) ? maxBackoff : backoff;
	}

	private SyncOutcome timedRefresh() {
		long start = System.nanoTime();
		SyncOutcome outcome = refresh();
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		this.lastSyncDuration = duration;
		for (ConfigSyncListener listener : this.listeners) {
			try {
				listener.onSync(outcome, duration);
			}
			catch (RuntimeException ex) {
				// A broken listener (metrics) must not break the sync itself.
				logger.debug("Fallom config sync listener failed", ex);
			}
		}
		return outcome;
	}

	private SyncOutcome refresh() {
		Instant attempt = this.clock.instant();
		FallomHttpClient.Response response;
		try {
			response = this.client.get("/configs", this.etag);
		}
		catch (IOException ex) {
			return failed(attempt, "request failed: " + ex, SyncOutcome.FAILED);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return failed(attempt, "interrupted", SyncOutcome.FAILED);
		}
		if (response.status() == 304) {
			return succeeded(attempt, SyncOutcome.NOT_MODIFIED);
		}
		if (!response.isSuccessful()) {
			this.retryAfter = parseRetryAfter(response.retryAfter());
			return failed(attempt, "HTTP " + response.status(), SyncOutcome.REFUSED);
		}
		ConfigParser.ParsedConfigs parsed;
		try {
			parsed = ConfigParser.parseConfigs(response.body(), ConfigOrigin.FETCHED);
		}
		catch (ConfigParser.InvalidConfigException ex) {
			return failed(attempt, "malformed response: " + ex.getMessage(), SyncOutcome.FAILED);
		}
		ConfigState state = this.registry.applyFetched(merge(parsed), attempt);
		this.etag = response.etag();
		writeSnapshot(state);
		return succeeded(attempt, SyncOutcome.UPDATED);
	}

	private Map<String, ModelConfig> merge(ConfigParser.ParsedConfigs parsed) {
		Map<String, ModelConfig> configs = new LinkedHashMap<>();
		Set<String> valid = new HashSet<>();
		for (ModelConfig config : parsed.configs()) {
			configs.put(config.getKey(), config);
			valid.add(config.getKey());
		}
		ConfigState previous = this.registry.getState();
		for (ConfigParser.Rejected rejected : parsed.rejected()) {
			String key = rejected.key();
			String name = (key != null) ? "'" + key + "'" : "at index " + rejected.index();
			if (this.warnedInvalidKeys.add(String.valueOf(key))) {
				logger.warn("Skipping invalid Fallom config " + name + " (" + rejected.reason() + ")"
						+ ((key != null && previous.configs().containsKey(key)) ? "; keeping its last good version" : ""));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Skipping invalid Fallom config " + name + " (" + rejected.reason() + ")");
			}
			// Nothing is lost: an invalid update keeps the version we already serve.
			if (key != null && !configs.containsKey(key) && previous.origin() == ConfigOrigin.FETCHED) {
				ModelConfig kept = previous.configs().get(key);
				if (kept != null) {
					configs.put(key, kept);
				}
			}
		}
		this.warnedInvalidKeys.removeAll(valid);
		return configs;
	}

	private void writeSnapshot(ConfigState state) {
		if (this.snapshotFile == null) {
			return;
		}
		try {
			this.snapshotFile.write(state.configs().values());
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not write the Fallom config snapshot " + this.snapshotFile.getPath() + ": " + ex);
		}
	}

	private SyncOutcome succeeded(Instant attempt, SyncOutcome outcome) {
		SyncStatus previous = this.status;
		this.status = new SyncStatus(attempt, attempt, previous.lastFailure(), previous.lastFailureReason(), 0,
				previous.successes() + 1, previous.failures());
		if (this.failing) {
			this.failing = false;
			logger.info("Fallom config sync recovered after " + previous.consecutiveFailures() + " failure(s)");
		}
		return outcome;
	}

	private SyncOutcome failed(Instant attempt, String reason, SyncOutcome outcome) {
		SyncStatus previous = this.status;
		this.status = new SyncStatus(attempt, previous.lastSuccess(), attempt, reason,
				previous.consecutiveFailures() + 1, previous.successes(), previous.failures() + 1);
		if (!this.failing) {
			this.failing = true;
			logger.warn("Fallom config sync from " + this.client.getBaseUrl() + " failed (" + reason + "); serving "
					+ describe(this.registry.getState()) + " until it recovers");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Fallom config sync failed again (" + reason + ")");
		}
		return outcome;
	}

	private static String describe(ConfigState state) {
		if (state.origin() == null) {
			return "no configs (callers get their fallback)";
		}
		return state.configs().size() + " " + state.origin().name().toLowerCase() + " config(s)";
	}

}
