package com.fallom.sync;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.SendResult;
import com.fallom.internal.SyncScheduler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a {@link SyncedResource} in step with the backend on a {@link SyncScheduler}'s
 * daemon thread, its own or one shared with the engine's other syncs:
 * one fetch at start-up bounded by a start-up timeout, then one every interval with
 * jitter, never two at once. Backs off on 401/403/404/429/5xx (honouring
 * {@code Retry-After}), sends the last ETag, skips invalid items one by one, writes every
 * good body to the snapshot file, and logs one WARN when failures begin and one INFO on
 * recovery. A failure of any kind, an unexpected exception included, counts in the
 * {@link SyncStatus}; whatever fails, the last good state stays served.
 *
 * @param <T> the parsed body of the resource
 */
public final class BackgroundSync<T> implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(BackgroundSync.class);

	private static final int MAX_BACKOFF_DOUBLINGS = 6;

	private static final Duration MIN_MAX_BACKOFF = Duration.ofMinutes(5);

	/** The most syncs kept for listeners added before the owner starts. */
	private static final int MAX_EARLY_SYNCS = 16;

	private final FallomHttpClient client;

	private final SyncedResource<T> resource;

	private final Duration interval;

	private final Duration startupTimeout;

	private final @Nullable SnapshotFile snapshotFile;

	private final Clock clock;

	private final SyncScheduler scheduler;

	private final AtomicBoolean inProgress = new AtomicBoolean();

	private final Set<String> warnedKeys = new HashSet<>();

	private final Object lifecycleMonitor = new Object();

	private volatile SyncListener[] listeners;

	/**
	 * The syncs done since {@link #startEarly()}, told to each listener added, until
	 * {@link #endEarlySyncs()}: a first sync begun before its owner starts may end before
	 * the metrics bind. Guarded by the lifecycle monitor.
	 */
	private @Nullable List<CompletedSync> earlySyncs;

	private volatile SyncStatus status = SyncStatus.NEVER;

	private volatile @Nullable String etag;

	private volatile @Nullable Duration retryAfter;

	private volatile @Nullable Duration lastSyncDuration;

	private volatile @Nullable Backoff backoff;

	private @Nullable ScheduledExecutorService executor;

	private @Nullable Future<?> nextTick;

	private boolean failing;

	private Future<?> firstSync = CompletableFuture.failedFuture(new CancellationException("Not started"));

	/**
	 * Create a sync; nothing runs until {@link #start()}.
	 * @param client the HTTP client of the service that serves the resource
	 * @param resource the resource
	 * @param interval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good body, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync, on the syncing thread
	 */
	public BackgroundSync(FallomHttpClient client, SyncedResource<T> resource, Duration interval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners) {
		this(client, resource, interval, startupTimeout, snapshotFile, clock, listeners,
				new SyncScheduler("fallom-sync-" + resource.itemName()));
	}

	/**
	 * Create a sync that runs on a scheduler shared with other syncs; nothing runs until
	 * {@link #start()}.
	 * @param client the HTTP client of the service that serves the resource
	 * @param resource the resource
	 * @param interval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good body, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync, on the syncing thread
	 * @param scheduler the scheduler whose thread runs the syncs
	 */
	public BackgroundSync(FallomHttpClient client, SyncedResource<T> resource, Duration interval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners,
			SyncScheduler scheduler) {
		this.client = client;
		this.resource = resource;
		this.interval = interval;
		this.startupTimeout = startupTimeout;
		this.snapshotFile = snapshotFile;
		this.clock = clock;
		this.listeners = listeners.toArray(SyncListener[]::new);
		this.scheduler = scheduler;
	}

	/**
	 * Tell a listener of every sync from now on and, on the calling thread, of those done
	 * between {@link #startEarly()} and {@link #endEarlySyncs()} (the first 16), each sync
	 * exactly once.
	 * @param listener the listener
	 */
	public void addListener(SyncListener listener) {
		List<CompletedSync> done;
		synchronized (this.lifecycleMonitor) {
			SyncListener[] grown = Arrays.copyOf(this.listeners, this.listeners.length + 1);
			grown[grown.length - 1] = listener;
			this.listeners = grown;
			done = (this.earlySyncs != null) ? List.copyOf(this.earlySyncs) : List.of();
		}
		for (CompletedSync sync : done) {
			tell(listener, sync.outcome(), sync.duration());
		}
	}

	/**
	 * Start syncing ahead of the owner's own start, as {@link #startInBackground()} does,
	 * and keep the syncs done from now on for listeners added until
	 * {@link #endEarlySyncs()}, such as metrics bound after the first sync has ended.
	 * @return the first sync, done when it has succeeded or failed
	 */
	public Future<?> startEarly() {
		synchronized (this.lifecycleMonitor) {
			if (this.executor == null) {
				this.earlySyncs = new ArrayList<>();
			}
			return startInBackground();
		}
	}

	/**
	 * Stop keeping the syncs done since {@link #startEarly()}: from now on a listener is
	 * told only of the syncs after it was added. The owner calls it when it starts, once
	 * whatever listens from start-up (metrics) has been added.
	 */
	public void endEarlySyncs() {
		synchronized (this.lifecycleMonitor) {
			this.earlySyncs = null;
		}
	}

	/**
	 * Start syncing and wait for the first sync, at most the start-up timeout. Starting
	 * twice does nothing.
	 */
	public void start() {
		startInBackground();
		awaitFirstSync(this.startupTimeout);
	}

	/**
	 * Start syncing without waiting: the first sync runs on the scheduler's thread at once.
	 * Lets an owner of several syncs start them together and bound the wait for all of
	 * them by one start-up timeout (see {@link #awaitFirstSync(Duration)}). Starting twice
	 * does nothing.
	 * @return the first sync, done when it has succeeded or failed
	 */
	public Future<?> startInBackground() {
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null) {
				return this.firstSync;
			}
			ScheduledExecutorService scheduled = this.scheduler.acquire();
			this.executor = scheduled;
			this.firstSync = scheduled.submit(this::tick);
			this.nextTick = this.firstSync;
			return this.firstSync;
		}
	}

	/**
	 * Wait for the first sync started by {@link #startInBackground()}, at most the given
	 * time, and log one WARN when it has not finished by then; the sync goes on in the
	 * background either way.
	 * @param timeout the longest to wait, zero not to wait
	 * @return whether the first sync has finished
	 */
	public boolean awaitFirstSync(Duration timeout) {
		Future<?> first;
		synchronized (this.lifecycleMonitor) {
			first = this.firstSync;
		}
		try {
			first.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			logger.warn("Fallom " + this.resource.itemName() + "s not fetched within the start-up timeout of "
					+ this.startupTimeout.toMillis() + " ms; serving " + this.resource.describeServed()
					+ " until the backend answers");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (CancellationException | ExecutionException ex) {
			// Stopped meanwhile, or never started; tick() itself never throws.
		}
		return false;
	}

	/**
	 * Return the start-up timeout this sync was made with.
	 * @return the start-up timeout
	 */
	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	/**
	 * Stop syncing: cancel the next sync, interrupt one in progress, and give the
	 * scheduler back (the last sync to stop ends its thread, waiting at most 2 s). Stopping
	 * twice does nothing; {@link #startInBackground()} starts again.
	 */
	public void stop() {
		ScheduledExecutorService executor;
		Future<?> nextTick;
		synchronized (this.lifecycleMonitor) {
			executor = this.executor;
			nextTick = this.nextTick;
			this.executor = null;
			this.nextTick = null;
		}
		if (executor == null) {
			return;
		}
		if (nextTick != null) {
			nextTick.cancel(true);
		}
		this.scheduler.release(executor);
	}

	@Override
	public void close() {
		stop();
	}

	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.executor != null;
		}
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
	 * @return the interval
	 */
	public Duration getInterval() {
		return this.interval;
	}

	/**
	 * Return how long the last sync took, from request to applied state.
	 * @return the duration, or {@code null} before the first sync
	 */
	public @Nullable Duration getLastSyncDuration() {
		return this.lastSyncDuration;
	}

	/**
	 * Sync now, on the calling thread, unless a sync is already running. Ignores a
	 * back-off in force (see {@link #requestSync()} for one that honours it), but a refusal
	 * starts one as a scheduled sync's would.
	 * @return whether a sync ran and succeeded
	 */
	public boolean syncNow() {
		if (!this.inProgress.compareAndSet(false, true)) {
			return false;
		}
		try {
			SyncOutcome outcome = timedSync();
			afterSync(outcome);
			return outcome.isSuccess();
		}
		finally {
			this.inProgress.set(false);
		}
	}

	/**
	 * Sync now, on the calling thread, unless a sync is already running or the sync is
	 * backing off after a refusal (401, 403, 404, 429, 5xx, or a {@code Retry-After}): for
	 * a sync an operator asks for, which must not hit a backend that asked to be left
	 * alone.
	 * @return how it went, with the end of the back-off when one is in force
	 */
	public OnDemandSync requestSync() {
		Backoff backoff = this.backoff;
		if (backoff != null && backoff.remaining() != null) {
			return new OnDemandSync(OnDemandSync.Result.BACKING_OFF, backoff.until());
		}
		if (!this.inProgress.compareAndSet(false, true)) {
			return new OnDemandSync(OnDemandSync.Result.IN_PROGRESS, null);
		}
		try {
			SyncOutcome outcome = timedSync();
			afterSync(outcome);
			Backoff started = this.backoff;
			return new OnDemandSync(outcome.isSuccess() ? OnDemandSync.Result.SUCCEEDED : OnDemandSync.Result.FAILED,
					(started != null) ? started.until() : null);
		}
		finally {
			this.inProgress.set(false);
		}
	}

	/**
	 * Return when the back-off after the last refusal ends.
	 * @return the end of the back-off, or {@code null} when none is in force
	 */
	public @Nullable Instant getBackoffUntil() {
		Backoff backoff = this.backoff;
		return (backoff != null && backoff.remaining() != null) ? backoff.until() : null;
	}

	private void tick() {
		Duration delay = this.interval;
		try {
			if (this.inProgress.compareAndSet(false, true)) {
				try {
					Backoff backoff = this.backoff;
					Duration remaining = (backoff != null) ? backoff.remaining() : null;
					// A sync on demand may have been refused with a longer back-off than
					// the one this tick was scheduled with: wait for its end.
					delay = (remaining != null) ? remaining : afterSync(timedSync());
				}
				finally {
					this.inProgress.set(false);
				}
			}
		}
		catch (Throwable ex) {
			// Only the type: the message of an exception from the HTTP stack may quote a
			// request header, the API key's included.
			logger.warn("Fallom " + this.resource.itemName() + " sync failed unexpectedly ("
					+ ex.getClass().getName() + ")");
		}
		scheduleNext(delay);
	}

	private void scheduleNext(Duration delay) {
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null && !this.executor.isShutdown()) {
				this.nextTick = this.executor.schedule(this::tick, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
			}
		}
	}

	/**
	 * Record the back-off a sync calls for and return the time to the next scheduled
	 * sync, with jitter. After a refusal the jitter only lengthens the wait, so that the
	 * next sync never comes before the back-off ends.
	 */
	private Duration afterSync(SyncOutcome outcome) {
		Duration delay = nextDelay(outcome);
		if (outcome != SyncOutcome.REFUSED) {
			this.backoff = null;
			return withJitter(delay);
		}
		this.backoff = new Backoff(System.nanoTime() + delay.toNanos(), this.clock.instant().plus(delay));
		long jitter = delay.toMillis() / 10;
		return delay.plusMillis((jitter > 0) ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
	}

	private static Duration withJitter(Duration delay) {
		// +/- 10 %, so that a fleet restarted together does not sync in lock-step.
		long millis = delay.toMillis();
		long jitter = millis / 10;
		long offset = (jitter > 0) ? ThreadLocalRandom.current().nextLong(-jitter, jitter + 1) : 0;
		return Duration.ofMillis(Math.max(1, millis + offset));
	}

	private Duration nextDelay(SyncOutcome outcome) {
		Duration delay = delayAfter(outcome == SyncOutcome.REFUSED, this.status.consecutiveFailures(), this.interval);
		Duration retryAfter = this.retryAfter;
		this.retryAfter = null;
		return (retryAfter != null) ? honourRetryAfter(delay, retryAfter, this.interval) : delay;
	}

	private static Duration maxBackoff(Duration interval) {
		return (interval.compareTo(MIN_MAX_BACKOFF) > 0) ? interval : MIN_MAX_BACKOFF;
	}

	/**
	 * Return the delay stretched to a {@code Retry-After} the backend asked for, never
	 * longer than the back-off's own cap.
	 */
	static Duration honourRetryAfter(Duration delay, Duration retryAfter, Duration interval) {
		Duration maxBackoff = maxBackoff(interval);
		Duration wanted = (retryAfter.compareTo(delay) > 0) ? retryAfter : delay;
		return (wanted.compareTo(maxBackoff) > 0) ? maxBackoff : wanted;
	}

	/**
	 * Parse a {@code Retry-After} header as the senders do: delay-seconds or an HTTP-date,
	 * a value of any size kept as a {@link Duration}, capped by
	 * {@link #honourRetryAfter} before any conversion.
	 */
	static @Nullable Duration parseRetryAfter(@Nullable String header) {
		return SendResult.parseRetryAfter(header);
	}

	/**
	 * Return the time to the next sync: the interval, doubled per consecutive refusal
	 * (401, 403, 404, 429, 5xx) up to the larger of 5 minutes and the interval.
	 */
	static Duration delayAfter(boolean refused, int consecutiveFailures, Duration interval) {
		if (!refused) {
			return interval;
		}
		int doublings = Math.min(consecutiveFailures, MAX_BACKOFF_DOUBLINGS);
		Duration maxBackoff = maxBackoff(interval);
		Duration backoff = interval.multipliedBy(1L << doublings);
		return (backoff.compareTo(maxBackoff) > 0) ? maxBackoff : backoff;
	}

	private SyncOutcome timedSync() {
		long start = System.nanoTime();
		SyncOutcome outcome = sync();
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		this.lastSyncDuration = duration;
		SyncListener[] listeners;
		synchronized (this.lifecycleMonitor) {
			// With the listeners of now: one added later is told of it by addListener
			listeners = this.listeners;
			if (this.earlySyncs != null && this.earlySyncs.size() < MAX_EARLY_SYNCS) {
				this.earlySyncs.add(new CompletedSync(outcome, duration));
			}
		}
		for (SyncListener listener : listeners) {
			tell(listener, outcome, duration);
		}
		return outcome;
	}

	private static void tell(SyncListener listener, SyncOutcome outcome, Duration duration) {
		try {
			listener.onSync(outcome, duration);
		}
		catch (RuntimeException ex) {
			// A broken listener (metrics) must not break the sync itself.
			logger.debug("Fallom sync listener failed", ex);
		}
	}

	private record CompletedSync(SyncOutcome outcome, Duration duration) {
	}

	private SyncOutcome sync() {
		Instant attempt = this.clock.instant();
		try {
			return sync(attempt);
		}
		catch (RuntimeException ex) {
			// A failed sync like any other, so that the status and health see it. Only the
			// type: the JDK quotes a header it refuses, API key included, in the message.
			return failed(attempt, "unexpected " + ex.getClass().getName(), SyncOutcome.FAILED);
		}
	}

	private SyncOutcome sync(Instant attempt) {
		FallomHttpClient.Response response;
		try {
			response = this.client.get(this.resource.path(), this.etag);
		}
		catch (IOException ex) {
			return failed(attempt, "request failed: " + ex, SyncOutcome.FAILED);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return failed(attempt, "interrupted", SyncOutcome.FAILED);
		}
		if (response.status() == 304) {
			this.resource.confirm(attempt);
			return succeeded(attempt, SyncOutcome.NOT_MODIFIED);
		}
		if (!response.isSuccessful()) {
			this.retryAfter = parseRetryAfter(response.retryAfter());
			return failed(attempt, "HTTP " + response.status(), SyncOutcome.REFUSED);
		}
		SyncedResource.Parsed<T> parsed;
		try {
			parsed = this.resource.parse(response.body());
		}
		catch (SyncedResource.MalformedResponseException ex) {
			return failed(attempt, "malformed response: " + ex.getMessage(), SyncOutcome.FAILED);
		}
		Set<String> kept = this.resource.apply(parsed, attempt);
		logRejected(parsed.rejected(), kept);
		this.etag = response.etag();
		writeSnapshot();
		return succeeded(attempt, SyncOutcome.UPDATED);
	}

	private void logRejected(List<SyncedResource.Rejected> rejected, Set<String> kept) {
		Set<String> stillRejected = new HashSet<>();
		for (SyncedResource.Rejected item : rejected) {
			String key = String.valueOf(item.key());
			stillRejected.add(key);
			String message = "Skipping invalid Fallom " + this.resource.itemName() + " " + item.describe() + " ("
					+ item.reason() + ")"
					+ ((item.key() != null && kept.contains(item.key())) ? "; keeping its last good version" : "");
			// One WARN per bad item until it is fixed, not one per sync.
			if (this.warnedKeys.add(key)) {
				logger.warn(message);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message);
			}
		}
		this.warnedKeys.retainAll(stillRejected);
	}

	private void writeSnapshot() {
		if (this.snapshotFile == null) {
			return;
		}
		try {
			this.snapshotFile.write(this.resource.snapshot());
		}
		catch (IOException ex) {
			logger.warn("Could not write the Fallom " + this.resource.itemName() + " snapshot "
					+ this.snapshotFile.getPath() + ": " + ex);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not write the Fallom " + this.resource.itemName() + " snapshot "
					+ this.snapshotFile.getPath() + " (" + ex.getClass().getName() + ")");
		}
	}

	private SyncOutcome succeeded(Instant attempt, SyncOutcome outcome) {
		SyncStatus previous = this.status;
		this.status = new SyncStatus(attempt, attempt, previous.lastFailure(), previous.lastFailureReason(), 0,
				previous.successes() + 1, previous.failures());
		if (this.failing) {
			this.failing = false;
			logger.info("Fallom " + this.resource.itemName() + " sync recovered after "
					+ previous.consecutiveFailures() + " failure(s)");
		}
		return outcome;
	}

	/**
	 * The end of a back-off: on the monotonic clock, which decides, and on the sync's
	 * clock, which is shown.
	 */
	private record Backoff(long untilNanos, Instant until) {

		@Nullable Duration remaining() {
			long remaining = this.untilNanos - System.nanoTime();
			return (remaining > 0) ? Duration.ofNanos(remaining) : null;
		}

	}

	private SyncOutcome failed(Instant attempt, String reason, SyncOutcome outcome) {
		SyncStatus previous = this.status;
		this.status = new SyncStatus(attempt, previous.lastSuccess(), attempt, reason,
				previous.consecutiveFailures() + 1, previous.successes(), previous.failures() + 1);
		if (!this.failing) {
			this.failing = true;
			logger.warn("Fallom " + this.resource.itemName() + " sync from " + this.client.getBaseUrl() + " failed ("
					+ reason + "); serving " + this.resource.describeServed() + " until it recovers");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Fallom " + this.resource.itemName() + " sync failed again (" + reason + ")");
		}
		return outcome;
	}

}
