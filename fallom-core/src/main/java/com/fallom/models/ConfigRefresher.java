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

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.SyncScheduler;
import com.fallom.models.internal.ConfigParser;
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
 * Keeps the {@link ModelConfigRegistry} in step with the backend's {@code GET /configs}:
 * the config format on a {@link BackgroundSync}, which owns scheduling, back-off, ETags and
 * the snapshot file. Whatever fails, the last good configs stay.
 */
public class ConfigRefresher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ConfigRefresher.class);

	private final ModelConfigRegistry registry;

	private final BackgroundSync<List<ModelConfig>> sync;

	/**
	 * Create a refresher; nothing runs until {@link #start()}.
	 * @param client the HTTP client of the configs service
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
	 * @param client the HTTP client of the configs service
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good sync, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync, on the syncing thread
	 */
	public ConfigRefresher(FallomHttpClient client, ModelConfigRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners) {
		this(client, registry, refreshInterval, startupTimeout, snapshotFile, clock, listeners,
				new SyncScheduler("fallom-sync-config"));
	}

	/**
	 * Create a refresher that syncs on a scheduler shared with other syncs; nothing runs
	 * until {@link #start()}.
	 * @param client the HTTP client of the configs service
	 * @param registry the registry to update
	 * @param refreshInterval the time between syncs
	 * @param startupTimeout the longest {@link #start()} waits for the first sync
	 * @param snapshotFile where to write every good sync, or {@code null}
	 * @param clock the clock
	 * @param listeners told of every sync, on the syncing thread
	 * @param scheduler the scheduler whose thread runs the syncs
	 */
	public ConfigRefresher(FallomHttpClient client, ModelConfigRegistry registry, Duration refreshInterval,
			Duration startupTimeout, @Nullable SnapshotFile snapshotFile, Clock clock, List<SyncListener> listeners,
			SyncScheduler scheduler) {
		this.registry = registry;
		this.sync = new BackgroundSync<>(client, new Configs(registry), refreshInterval, startupTimeout, snapshotFile,
				clock, listeners, scheduler);
	}

	/**
	 * Read the configs of a snapshot file. A missing file is normal; an unreadable one is
	 * logged and ignored.
	 * @param snapshotFile the file
	 * @return the configs, or {@code null} when there are none
	 */
	public static @Nullable ConfigState readSnapshot(SnapshotFile snapshotFile) {
		try {
			SnapshotFile.Snapshot snapshot = snapshotFile.read();
			if (snapshot == null) {
				return null;
			}
			ConfigParser.ParsedConfigs parsed = ConfigParser.parseConfigs(snapshot.body(), ConfigOrigin.SNAPSHOT);
			Map<String, ModelConfig> configs = new LinkedHashMap<>();
			parsed.configs().forEach((config) -> configs.put(config.getKey(), config));
			return new ConfigState(configs, ConfigOrigin.SNAPSHOT, snapshot.writtenAt());
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Ignoring unreadable Fallom config snapshot " + snapshotFile.getPath() + ": " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Start syncing and wait for the first sync, at most the start-up timeout.
	 */
	public void start() {
		this.sync.start();
	}

	/**
	 * Start syncing without waiting for the first sync.
	 * @see #awaitFirstSync(Duration)
	 */
	public void startInBackground() {
		this.sync.startInBackground();
	}

	/**
	 * Wait for the first sync at most the given time, logging one WARN when it has not
	 * finished by then.
	 * @param timeout the longest to wait
	 * @return whether the first sync has finished
	 */
	public boolean awaitFirstSync(Duration timeout) {
		return this.sync.awaitFirstSync(timeout);
	}

	/**
	 * Stop syncing, waiting at most 2 s for a sync in progress.
	 */
	public void stop() {
		this.sync.stop();
	}

	@Override
	public void close() {
		stop();
	}

	public boolean isRunning() {
		return this.sync.isRunning();
	}

	/**
	 * Tell a listener of every sync from now on, and of those done between
	 * {@link #startEarly()} and {@link #endEarlySyncs()}.
	 * @param listener the listener
	 */
	public void addListener(SyncListener listener) {
		this.sync.addListener(listener);
	}

	/**
	 * Start syncing without waiting, ahead of the owner's start, keeping the syncs done
	 * until {@link #endEarlySyncs()} for listeners added meanwhile (see
	 * {@link BackgroundSync#startEarly()}).
	 */
	public void startEarly() {
		this.sync.startEarly();
	}

	/**
	 * Stop keeping the syncs done since {@link #startEarly()} for listeners added later.
	 */
	public void endEarlySyncs() {
		this.sync.endEarlySyncs();
	}

	/**
	 * Return what the sync has done so far.
	 * @return the status
	 */
	public SyncStatus getStatus() {
		return this.sync.getStatus();
	}

	/**
	 * Return the time between syncs.
	 * @return the refresh interval
	 */
	public Duration getRefreshInterval() {
		return this.sync.getInterval();
	}

	/**
	 * Return how long the last sync took, from request to applied configs.
	 * @return the duration, or {@code null} before the first sync
	 */
	public @Nullable Duration getLastSyncDuration() {
		return this.sync.getLastSyncDuration();
	}

	/**
	 * Sync now, on the calling thread, unless a sync is already running.
	 * @return whether a sync ran and succeeded
	 */
	public boolean refreshNow() {
		return this.sync.syncNow();
	}

	/**
	 * Sync now, on the calling thread, unless a sync is running or the sync is backing off
	 * after a refusal or a {@code Retry-After}: for a refresh an operator asks for.
	 * @return how it went
	 */
	public OnDemandSync requestRefresh() {
		return this.sync.requestSync();
	}

	/**
	 * Return the registry this refresher updates.
	 * @return the registry
	 */
	public ModelConfigRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Model configs as a synced resource.
	 */
	private static final class Configs implements SyncedResource<List<ModelConfig>> {

		private final ModelConfigRegistry registry;

		Configs(ModelConfigRegistry registry) {
			this.registry = registry;
		}

		@Override
		public String path() {
			return "/configs";
		}

		@Override
		public String itemName() {
			return "config";
		}

		@Override
		public Parsed<List<ModelConfig>> parse(byte[] body) {
			try {
				ConfigParser.ParsedConfigs parsed = ConfigParser.parseConfigs(body, ConfigOrigin.FETCHED);
				return new Parsed<>(parsed.configs(), parsed.rejected());
			}
			catch (ConfigParser.InvalidConfigException ex) {
				throw new MalformedResponseException(ex.getMessage());
			}
		}

		@Override
		public Set<String> apply(Parsed<List<ModelConfig>> parsed, Instant fetchedAt) {
			Map<String, ModelConfig> configs = new LinkedHashMap<>();
			parsed.value().forEach((config) -> configs.put(config.getKey(), config));
			ConfigState previous = this.registry.getState();
			Set<String> kept = new HashSet<>();
			for (Rejected rejected : parsed.rejected()) {
				// Nothing is lost: an invalid update keeps the version already served, from
				// the backend or from the snapshot of its last good answer.
				String key = rejected.key();
				ModelConfig last = (key != null) ? previous.configs().get(key) : null;
				if (last != null && last.getOrigin() != ConfigOrigin.BOOTSTRAP && !configs.containsKey(key)) {
					configs.put(key, last);
					kept.add(key);
				}
			}
			this.registry.applyFetched(configs, fetchedAt);
			return kept;
		}

		@Override
		public void confirm(Instant confirmedAt) {
			this.registry.confirm(confirmedAt);
		}

		@Override
		public byte[] snapshot() {
			// Only what the backend served: bootstrap configs written here would come back
			// after a restart as snapshot configs and shadow changed bootstrap configs
			// until the first good sync.
			return ConfigParser.writeConfigs(this.registry.getState()
				.configs()
				.values()
				.stream()
				.filter((config) -> config.getOrigin() != ConfigOrigin.BOOTSTRAP)
				.toList());
		}

		@Override
		public String describeServed() {
			ConfigState state = this.registry.getState();
			if (state.origin() == null) {
				return "no configs (callers get their fallback)";
			}
			return state.configs().size() + " " + state.origin().name().toLowerCase() + " config(s)";
		}

	}

}
