package com.fallom.models;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The model configs a process serves, published as an immutable {@link ConfigState} that
 * the assignment hot path reads without locks. Fetched configs replace a snapshot, which
 * replaces the bootstrap configs. Pinned versions, once fetched, are kept for good:
 * a version never changes.
 */
public class ModelConfigRegistry {

	private final AtomicReference<ConfigState> state;

	private final Map<String, ModelConfig> bootstrap;

	private final Map<PinnedKey, ModelConfig> pinned = new ConcurrentHashMap<>();

	/**
	 * Create a registry that serves the snapshot configs when there are any, otherwise the
	 * bootstrap configs.
	 * @param bootstrap the bootstrap configs
	 * @param snapshot the configs of the snapshot file, or {@code null}
	 */
	public ModelConfigRegistry(List<ModelConfig> bootstrap, @Nullable ConfigState snapshot) {
		this.bootstrap = Map.copyOf(byKey(bootstrap));
		this.state = new AtomicReference<>(initialState(bootstrap, snapshot));
	}

	private ConfigState initialState(List<ModelConfig> bootstrap, @Nullable ConfigState snapshot) {
		if (snapshot != null && !snapshot.configs().isEmpty()) {
			return new ConfigState(withBootstrapFloor(snapshot.configs()), snapshot.origin(), snapshot.updatedAt());
		}
		if (bootstrap.isEmpty()) {
			return ConfigState.EMPTY;
		}
		return new ConfigState(byKey(bootstrap), ConfigOrigin.BOOTSTRAP, null);
	}

	private static Map<String, ModelConfig> byKey(List<ModelConfig> configs) {
		Map<String, ModelConfig> byKey = new LinkedHashMap<>();
		configs.forEach((config) -> byKey.put(config.getKey(), config));
		return byKey;
	}

	/**
	 * Return the state being served.
	 * @return the state
	 */
	public ConfigState getState() {
		return this.state.get();
	}

	/**
	 * Return the latest version of a config.
	 * @param key the config key
	 * @return the config, or {@code null} when unknown
	 */
	public @Nullable ModelConfig getLatest(String key) {
		return this.state.get().configs().get(key);
	}

	/**
	 * Return a pinned version of a config if it is known: the latest version or one
	 * fetched before.
	 * @param key the config key
	 * @param version the version
	 * @return the config, or {@code null} when it is not cached
	 */
	public @Nullable ModelConfig getCachedVersion(String key, int version) {
		ModelConfig latest = getLatest(key);
		if (latest != null && latest.getVersion() == version) {
			return latest;
		}
		return this.pinned.get(new PinnedKey(key, version));
	}

	/**
	 * Return the pinned versions fetched so far.
	 * @return the pinned configs
	 */
	public List<ModelConfig> getPinnedVersions() {
		return List.copyOf(this.pinned.values());
	}

	/**
	 * Keep a fetched pinned version.
	 * @param config the config
	 */
	public void putPinnedVersion(ModelConfig config) {
		this.pinned.put(new PinnedKey(config.getKey(), config.getVersion()), config);
	}

	/**
	 * Serve fetched configs from now on.
	 * @param configs the configs, by key
	 * @param fetchedAt when they were fetched
	 * @return the new state
	 */
	public ConfigState applyFetched(Map<String, ModelConfig> configs, Instant fetchedAt) {
		ConfigState state = new ConfigState(withBootstrapFloor(configs), ConfigOrigin.FETCHED, fetchedAt);
		ConfigState previous = this.state.getAndSet(state);
		// A version once served stays pinnable: pinning to the previous version after a
		// rollout needs no fetch.
		for (ModelConfig replaced : previous.configs().values()) {
			ModelConfig current = state.configs().get(replaced.getKey());
			if (replaced.getOrigin() != ConfigOrigin.BOOTSTRAP
					&& (current == null || current.getVersion() != replaced.getVersion())) {
				putPinnedVersion(replaced);
			}
		}
		return state;
	}

	/**
	 * Bootstrap configs are a floor per key: a key the backend does not know keeps being
	 * served from them.
	 */
	private Map<String, ModelConfig> withBootstrapFloor(Map<String, ModelConfig> configs) {
		if (this.bootstrap.isEmpty()) {
			return configs;
		}
		Map<String, ModelConfig> merged = new LinkedHashMap<>(configs);
		this.bootstrap.forEach(merged::putIfAbsent);
		return merged;
	}

	/**
	 * Record that the backend confirmed the fetched configs as current ("not modified"),
	 * so that their age restarts.
	 * @param confirmedAt when it answered
	 */
	public void confirm(Instant confirmedAt) {
		this.state.updateAndGet((current) -> (current.origin() == ConfigOrigin.FETCHED)
				? new ConfigState(current.configs(), ConfigOrigin.FETCHED, confirmedAt) : current);
	}

	private record PinnedKey(String key, int version) {
	}

}
