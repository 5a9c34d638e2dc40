package com.fallom.models.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.LogText;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Fetches pinned config versions that are not cached yet from
 * {@code GET /configs/{key}/version/{n}}. Concurrent callers of one version share one
 * request, every wait is bounded by the timeout, and a 404 is remembered for a while so that
 * a missing version costs one request, not one per call. Internal API.
 */
public final class PinnedVersionLoader {

	private final FallomHttpClient client;

	private final ModelConfigRegistry registry;

	private final Duration timeout;

	private final Duration missingVersionTtl;

	private final Clock clock;

	private final Map<String, CompletableFuture<ModelConfig>> inFlight = new ConcurrentHashMap<>();

	private final Map<String, Instant> missingUntil = new ConcurrentHashMap<>();

	public PinnedVersionLoader(FallomHttpClient client, ModelConfigRegistry registry, Duration timeout,
			Duration missingVersionTtl, Clock clock) {
		this.client = client;
		this.registry = registry;
		this.timeout = timeout;
		this.missingVersionTtl = missingVersionTtl;
		this.clock = clock;
	}

	/**
	 * Fetch a version, or wait for the fetch another caller started.
	 * @param key the config key
	 * @param version the version
	 * @return the config, also kept in the registry
	 * @throws VersionNotFoundException when the backend has no such version
	 * @throws VersionLoadException when the fetch failed or timed out
	 */
	public ModelConfig load(String key, int version) {
		return await(start(key, version));
	}

	/**
	 * Start fetching a version unless it is being fetched or known missing, without
	 * waiting: for threads that must not block.
	 * @param key the config key
	 * @param version the version
	 */
	public void loadInBackground(String key, int version) {
		try {
			start(key, version);
		}
		catch (VersionNotFoundException ex) {
			// Known missing: nothing to fetch.
		}
	}

	private CompletableFuture<ModelConfig> start(String key, int version) {
		String id = key + "#" + version;
		Instant missing = this.missingUntil.get(id);
		if (missing != null) {
			if (this.clock.instant().isBefore(missing)) {
				throw new VersionNotFoundException();
			}
			this.missingUntil.remove(id, missing);
		}
		CompletableFuture<ModelConfig> mine = new CompletableFuture<>();
		CompletableFuture<ModelConfig> shared = this.inFlight.putIfAbsent(id, mine);
		if (shared != null) {
			return shared;
		}
		CompletableFuture<FallomHttpClient.Response> fetch;
		try {
			fetch = this.client.getAsync(path(key, version));
		}
		catch (RuntimeException ex) {
			// Thrown before any request left, e.g. a header the JDK refuses: a failed
			// fetch like any other (callers get their fallback), and nothing left in flight
			// for later callers to wait on.
			mine.completeExceptionally(failure(ex));
			this.inFlight.remove(id, mine);
			return mine;
		}
		// The HTTP client's own threads complete the fetch: no thread waits for it.
		fetch.whenComplete((response, failure) -> {
			try {
				mine.complete(toConfig(id, key, version, response, failure));
			}
			catch (RuntimeException ex) {
				mine.completeExceptionally(ex);
			}
			finally {
				this.inFlight.remove(id, mine);
			}
		});
		return mine;
	}

	private static String path(String key, int version) {
		return "/configs/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/version/"
				+ version;
	}

	private ModelConfig toConfig(String id, String key, int version, FallomHttpClient.@Nullable Response response,
			@Nullable Throwable failure) {
		if (failure != null) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			throw failure(cause);
		}
		if (response.status() == 404) {
			this.missingUntil.put(id, this.clock.instant().plus(this.missingVersionTtl));
			throw new VersionNotFoundException();
		}
		if (!response.isSuccessful()) {
			throw new VersionLoadException("HTTP " + response.status(), null);
		}
		ModelConfig config;
		try {
			config = ConfigParser.parseConfig(response.body(), ConfigOrigin.FETCHED);
		}
		catch (ConfigParser.InvalidConfigException ex) {
			throw new VersionLoadException("malformed response: " + ex.getMessage(), ex);
		}
		if (!config.getKey().equals(key) || config.getVersion() != version) {
			throw new VersionLoadException("the backend answered with config '" + LogText.of(config.getKey()) + "' version "
					+ config.getVersion(), null);
		}
		this.registry.putPinnedVersion(config);
		return config;
	}

	/**
	 * A network failure says what happened; anything else only its type, and is not kept
	 * as the cause: the JDK quotes a header it refuses, API key included, in its message.
	 */
	private static VersionLoadException failure(Throwable cause) {
		if (cause instanceof IOException) {
			return new VersionLoadException("request failed: " + cause, cause);
		}
		return new VersionLoadException("request failed (" + cause.getClass().getName() + ")", null);
	}

	private ModelConfig await(CompletableFuture<ModelConfig> shared) {
		try {
			return shared.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof VersionNotFoundException
					|| ex.getCause() instanceof VersionLoadException) {
				throw (RuntimeException) ex.getCause();
			}
			throw failure(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new VersionLoadException("timed out waiting for the version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new VersionLoadException("interrupted", ex);
		}
	}

	/**
	 * The backend has no such version.
	 */
	public static final class VersionNotFoundException extends RuntimeException {

		VersionNotFoundException() {
			super("version not found", null, false, false);
		}

	}

	/**
	 * The version could not be fetched.
	 */
	public static final class VersionLoadException extends RuntimeException {

		VersionLoadException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}
