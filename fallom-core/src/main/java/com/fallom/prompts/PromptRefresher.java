package com.fallom.prompts;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.SyncScheduler;
import com.fallom.prompts.internal.PromptParser;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.prompts.internal.PromptSnapshot;
import com.fallom.sync.BackgroundSync;
import com.fallom.sync.OnDemandSync;
import com.fallom.sync.SnapshotFile;
import com.fallom.sync.SyncListener;
import com.fallom.sync.SyncStatus;
import com.fallom.sync.SyncedResource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a prompt registry in step with the backend's {@code GET /prompts} and
 * {@code GET /prompt-ab-tests}: two {@link BackgroundSync}s, one per endpoint, which own
 * scheduling, back-off, ETags, logging and the snapshot files. A malformed prompt or test
 * is skipped alone (one WARN), its last good version stays served; whatever else fails,
 * the last good prompts and tests stay served. The request path never waits on them.
 */
public class PromptRefresher implements AutoCloseable {

	/** Appended to the config snapshot file's name for the prompts' snapshot. */
	public static final String PROMPTS_SNAPSHOT_SUFFIX = ".prompts";

	/** Appended to the config snapshot file's name for the prompt A/B tests' snapshot. */
	public static final String AB_TESTS_SNAPSHOT_SUFFIX = ".prompt-ab-tests";

	private static final Log logger = LogFactory.getLog(PromptRefresher.class);

	private final PromptRegistry registry;

	private final BackgroundSync<List<PromptVersion>> promptSync;

	private final BackgroundSync<List<PromptAbTest>> abTestSync;

	/**
	 * Create a refresher; nothing runs until {@link #start()}.
	 * @param client the HTTP client of the prompts service
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first syncs
	 * @param snapshotFile the config snapshot file, beside which the prompt snapshots are
	 * written, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync of either endpoint, on the syncing thread
	 */
	public PromptRefresher(FallomHttpClient client, PromptRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners) {
		this(client, registry, refreshInterval, startupTimeout, snapshotFile, clock, listeners,
				new SyncScheduler("fallom-sync-prompts"));
	}

	/**
	 * Create a refresher whose two syncs run on a scheduler shared with other syncs;
	 * nothing runs until {@link #start()}.
	 * @param client the HTTP client of the prompts service
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first syncs
	 * @param snapshotFile the config snapshot file, beside which the prompt snapshots are
	 * written, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync of either endpoint, on the syncing thread
	 * @param scheduler the scheduler whose thread runs the syncs
	 */
	public PromptRefresher(FallomHttpClient client, PromptRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners,
			SyncScheduler scheduler) {
		this.registry = registry;
		this.promptSync = new BackgroundSync<>(client, new Prompts(registry), refreshInterval, startupTimeout,
				(snapshotFile != null) ? snapshotFile.sibling(PROMPTS_SNAPSHOT_SUFFIX) : null, clock, listeners,
				scheduler);
		this.abTestSync = new BackgroundSync<>(client, new AbTests(registry, this.promptSync::requestSync),
				refreshInterval, startupTimeout,
				(snapshotFile != null) ? snapshotFile.sibling(AB_TESTS_SNAPSHOT_SUFFIX) : null, clock, listeners,
				scheduler);
	}

	/**
	 * Serve the prompts and tests of the snapshot files beside a config snapshot file, if
	 * there are any, in place of the bootstrap ones. A missing file is normal; an
	 * unreadable one is logged and ignored.
	 * @param snapshotFile the config snapshot file
	 * @param registry the registry to fill
	 * @return whether anything was read
	 */
	public static boolean readSnapshot(SnapshotFile snapshotFile, PromptRegistry registry) {
		boolean read = false;
		SnapshotFile prompts = snapshotFile.sibling(PROMPTS_SNAPSHOT_SUFFIX);
		byte[] body = readBody(prompts);
		if (body != null) {
			try {
				SyncedResource.Parsed<List<PromptVersion>> parsed = PromptParser.parsePrompts(body);
				if (!parsed.value().isEmpty()) {
					registry.applyPrompts(parsed.value(), List.of());
					read = true;
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Ignoring unreadable Fallom prompt snapshot " + prompts.getPath() + ": " + ex.getMessage());
			}
		}
		SnapshotFile abTests = snapshotFile.sibling(AB_TESTS_SNAPSHOT_SUFFIX);
		body = readBody(abTests);
		if (body != null) {
			try {
				SyncedResource.Parsed<List<PromptAbTest>> parsed = PromptParser.parseAbTests(body);
				if (!parsed.value().isEmpty()) {
					registry.applyAbTests(parsed.value(), List.of());
					read = true;
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Ignoring unreadable Fallom prompt A/B test snapshot " + abTests.getPath() + ": "
						+ ex.getMessage());
			}
		}
		return read;
	}

	private static byte @Nullable [] readBody(SnapshotFile file) {
		try {
			SnapshotFile.Snapshot snapshot = file.read();
			return (snapshot != null) ? snapshot.body() : null;
		}
		catch (IOException ex) {
			logger.warn("Ignoring unreadable Fallom prompt snapshot " + file.getPath() + ": " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Start syncing both endpoints together and wait for their first syncs, at most the
	 * start-up timeout in all.
	 */
	public void start() {
		startInBackground();
		awaitFirstSync(this.promptSync.getStartupTimeout());
	}

	/**
	 * Start syncing both endpoints without waiting for their first syncs.
	 * @see #awaitFirstSync(Duration)
	 */
	public void startInBackground() {
		this.promptSync.startInBackground();
		this.abTestSync.startInBackground();
	}

	/**
	 * Wait for the first sync of both endpoints, at most the given time in all, logging
	 * one WARN per endpoint not synced by then.
	 * @param timeout the longest to wait for both
	 * @return whether both first syncs have finished
	 */
	public boolean awaitFirstSync(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean prompts = this.promptSync.awaitFirstSync(timeout);
		boolean abTests = this.abTestSync.awaitFirstSync(Duration.ofNanos(deadline - System.nanoTime()));
		return prompts && abTests;
	}

	/**
	 * Stop syncing, waiting at most 2 s for each sync in progress.
	 */
	public void stop() {
		this.promptSync.stop();
		this.abTestSync.stop();
	}

	@Override
	public void close() {
		stop();
	}

	public boolean isRunning() {
		return this.promptSync.isRunning() && this.abTestSync.isRunning();
	}

	/**
	 * Tell a listener of every sync of either endpoint from now on.
	 * @param listener the listener
	 */
	public void addListener(SyncListener listener) {
		this.promptSync.addListener(listener);
		this.abTestSync.addListener(listener);
	}

	/**
	 * Return what the sync of {@code /prompts} has done so far.
	 * @return the status
	 */
	public SyncStatus getPromptStatus() {
		return this.promptSync.getStatus();
	}

	/**
	 * Return what the sync of {@code /prompt-ab-tests} has done so far.
	 * @return the status
	 */
	public SyncStatus getAbTestStatus() {
		return this.abTestSync.getStatus();
	}

	/**
	 * Return the time between syncs.
	 * @return the refresh interval
	 */
	public Duration getRefreshInterval() {
		return this.promptSync.getInterval();
	}

	/**
	 * Sync both endpoints now, on the calling thread, skipping one whose sync is already
	 * running.
	 * @return whether both syncs ran and succeeded
	 */
	public boolean refreshNow() {
		boolean prompts = this.promptSync.syncNow();
		boolean abTests = this.abTestSync.syncNow();
		return prompts && abTests;
	}

	/**
	 * Sync {@code /prompts} now, on the calling thread, unless its sync is running or
	 * backing off after a refusal or a {@code Retry-After}: for a refresh an operator asks
	 * for.
	 * @return how it went
	 */
	public OnDemandSync requestPromptRefresh() {
		return this.promptSync.requestSync();
	}

	/**
	 * Sync {@code /prompt-ab-tests} now, on the calling thread, unless its sync is running
	 * or backing off after a refusal or a {@code Retry-After}: for a refresh an operator
	 * asks for.
	 * @return how it went
	 */
	public OnDemandSync requestAbTestRefresh() {
		return this.abTestSync.requestSync();
	}

	/**
	 * Sync {@code /prompt-ab-tests} alone now, on the calling thread.
	 * @return whether the sync ran and succeeded
	 */
	boolean refreshAbTestsNow() {
		return this.abTestSync.syncNow();
	}

	/**
	 * Return the registry this refresher updates.
	 * @return the registry
	 */
	public PromptRegistry getRegistry() {
		return this.registry;
	}

	private static List<String> keysOf(Collection<SyncedResource.Rejected> rejected) {
		List<String> keys = new ArrayList<>();
		for (SyncedResource.Rejected item : rejected) {
			if (item.key() != null) {
				keys.add(item.key());
			}
		}
		return keys;
	}

	/**
	 * Prompts as a synced resource.
	 */
	private static final class Prompts implements SyncedResource<List<PromptVersion>> {

		private final PromptRegistry registry;

		Prompts(PromptRegistry registry) {
			this.registry = registry;
		}

		@Override
		public String path() {
			return "/prompts";
		}

		@Override
		public String itemName() {
			return "prompt";
		}

		@Override
		public Parsed<List<PromptVersion>> parse(byte[] body) {
			return PromptParser.parsePrompts(body);
		}

		@Override
		public Set<String> apply(Parsed<List<PromptVersion>> parsed, Instant fetchedAt) {
			return this.registry.applyPrompts(parsed.value(), keysOf(parsed.rejected()));
		}

		@Override
		public void confirm(Instant confirmedAt) {
			// "Not modified": what is served stays; the sync's status records the time.
		}

		@Override
		public byte[] snapshot() {
			return PromptParser.writePrompts(this.registry.servedByBackend());
		}

		@Override
		public String describeServed() {
			PromptSnapshot snapshot = this.registry.snapshot();
			int count = snapshot.currentPrompts().size();
			return (count > 0) ? count + " prompt(s)" : "no prompts (callers get their fallback)";
		}

	}

	/**
	 * Prompt A/B tests as a synced resource.
	 */
	private static final class AbTests implements SyncedResource<List<PromptAbTest>> {

		private final PromptRegistry registry;

		private final Runnable syncPrompts;

		AbTests(PromptRegistry registry, Runnable syncPrompts) {
			this.registry = registry;
			this.syncPrompts = syncPrompts;
		}

		@Override
		public String path() {
			return "/prompt-ab-tests";
		}

		@Override
		public String itemName() {
			return "prompt A/B test";
		}

		@Override
		public Parsed<List<PromptAbTest>> parse(byte[] body) {
			return PromptParser.parseAbTests(body);
		}

		@Override
		public Set<String> apply(Parsed<List<PromptAbTest>> parsed, Instant fetchedAt) {
			if (namesUnknownPrompt(parsed.value(), this.registry.snapshot())) {
				// The two endpoints sync apart: a test may name a prompt version made after
				// the last prompt sync. Fetch the prompts first rather than serve the test
				// without its prompt (callers would get their fallback until the next sync),
				// unless the prompts endpoint asked for a back-off.
				this.syncPrompts.run();
			}
			return this.registry.applyAbTests(parsed.value(), keysOf(parsed.rejected()));
		}

		private static boolean namesUnknownPrompt(List<PromptAbTest> abTests, PromptSnapshot snapshot) {
			for (PromptAbTest test : abTests) {
				for (PromptAbTest.Variant variant : test.variants()) {
					Integer version = variant.promptVersion();
					boolean known = (version != null) ? snapshot.prompt(variant.promptKey(), version) != null
							: snapshot.prompt(variant.promptKey()) != null;
					if (!known) {
						return true;
					}
				}
			}
			return false;
		}

		@Override
		public void confirm(Instant confirmedAt) {
			// "Not modified": what is served stays; the sync's status records the time.
		}

		@Override
		public byte[] snapshot() {
			return PromptParser.writeAbTests(this.registry.servedByBackend());
		}

		@Override
		public String describeServed() {
			int count = this.registry.snapshot().abTests().size();
			return (count > 0) ? count + " prompt A/B test(s)" : "no prompt A/B tests (callers get their fallback)";
		}

	}

}
