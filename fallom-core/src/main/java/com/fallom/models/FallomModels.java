package com.fallom.models;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fallom.models.internal.NonBlockingThreads;
import com.fallom.models.internal.PinnedVersionLoader;
import com.fallom.models.internal.SessionHasher;
import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Assigns each session one model of a config, sticky and decided locally: the same session
 * id gets the same model here as in Fallom's Python and TypeScript SDKs. The configs come
 * from a background sync, so a call never waits on the network, except the first call for
 * a pinned version that is not cached yet (bounded by {@code fallom.models.timeout}).
 *
 * <pre class="code">
 * String model = models.get("summarizer-config", sessionId);
 * String model = models.get("summarizer-config", sessionId, "gpt-4o-mini"); // fallback
 * String model = models.get("summarizer-config", sessionId, ModelOptions.version(2).withFallback("gpt-4o-mini"));
 * ModelAssignment assignment = models.assign("summarizer-config", sessionId);
 * String model = models.get("summarizer-config", sessionId, ModelOptions.customerId("vip-1")); // targeting
 * </pre>
 *
 * A config's targeting (individual targets, then rules) is evaluated first against the
 * call's customer id and context; the customer id defaults to the current session's when
 * the session id is the same. When nothing matches, the weighted hash of the session id decides.
 * <p>
 * Every call also sets the current thread's Fallom session to the config key and session
 * id, with the config version, variant and model when a variant was assigned, so the LLM
 * calls that follow are traced under them. On a non-blocking thread (a Reactor event loop)
 * it does so only where a session is set already, by a scope that restores it (the
 * WebFlux filter, context propagation, {@code @FallomSession}), never for good: the thread
 * serves other requests next (see {@link FallomSessionHolder#maySetWithoutScope()}).
 */
public class FallomModels {

	private static final Log logger = LogFactory.getLog(FallomModels.class);

	private final ModelConfigRegistry registry;

	private final @Nullable PinnedVersionLoader pinnedVersionLoader;

	private final @Nullable SessionRecorder sessionRecorder;

	// Copy-on-write: read on every assignment, written once per listener.
	private volatile AssignmentListener[] listeners;

	private final Set<String> loggedFallbacks = ConcurrentHashMap.newKeySet();

	private final Set<String> loggedMissingSessions = ConcurrentHashMap.newKeySet();

	/**
	 * Create an instance.
	 * @param registry the configs
	 * @param pinnedVersionLoader fetches pinned versions, or {@code null} when offline
	 * @param sessionRecorder records assignments, or {@code null} not to record them
	 * @param listeners told of every assignment
	 */
	public FallomModels(ModelConfigRegistry registry, @Nullable PinnedVersionLoader pinnedVersionLoader,
			@Nullable SessionRecorder sessionRecorder, List<AssignmentListener> listeners) {
		this.registry = registry;
		this.pinnedVersionLoader = pinnedVersionLoader;
		this.sessionRecorder = sessionRecorder;
		this.listeners = listeners.toArray(AssignmentListener[]::new);
	}

	/**
	 * Tell a listener of every assignment from now on, e.g. metrics bound after start.
	 * @param listener the listener
	 */
	public synchronized void addListener(AssignmentListener listener) {
		AssignmentListener[] grown = Arrays.copyOf(this.listeners, this.listeners.length + 1);
		grown[grown.length - 1] = listener;
		this.listeners = grown;
	}

	/**
	 * Return the model of the latest config version for a session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return the model
	 * @throws ConfigNotFoundException when the config is unknown
	 */
	public String get(String configKey, String sessionId) {
		return get(configKey, sessionId, ModelOptions.latest());
	}

	/**
	 * Return the model of the latest config version for a session, or the fallback when
	 * no config can be used.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param fallback the fallback model
	 * @return the model
	 */
	public String get(String configKey, String sessionId, String fallback) {
		return get(configKey, sessionId, ModelOptions.fallback(fallback));
	}

	/**
	 * Return the model of the current thread's Fallom session for a config, or the fallback
	 * when the thread has no session or no config can be used: for code that picks the
	 * model of a call inside a session it did not open itself (a provider SDK call under
	 * {@code @FallomSession}, say), e.g.
	 * {@code .model(models.getForCurrentSession("support-bot", "gpt-4o-mini"))}.
	 * @param configKey the config key
	 * @param fallback the fallback model
	 * @return the model
	 */
	public String getForCurrentSession(String configKey, String fallback) {
		FallomSessionContext session = FallomSessionHolder.get();
		return get(configKey, (session != null) ? session.sessionId() : null, ModelOptions.fallback(fallback));
	}

	/**
	 * Return the model for a session with a pinned version or a fallback.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param options the options
	 * @return the model
	 * @throws ConfigNotFoundException when the config or version is unknown and there is
	 * no fallback
	 * @throws FallomModelsException when the version could not be fetched and there is
	 * no fallback
	 */
	public String get(String configKey, @Nullable String sessionId, ModelOptions options) {
		if (!hasSession(configKey, sessionId, options)) {
			return useFallback(configKey, options);
		}
		ModelConfig config = configFor(configKey, sessionId, options);
		if (config == null) {
			return useFallback(configKey, options);
		}
		return config.modelAt(variantIndexOf(assignVariant(config, sessionId, options, sourceOf(config, options))));
	}

	/**
	 * Return the whole assignment of the latest config version for a session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return the assignment
	 * @throws ConfigNotFoundException when the config is unknown
	 */
	public ModelAssignment assign(String configKey, String sessionId) {
		return assign(configKey, sessionId, ModelOptions.latest());
	}

	/**
	 * Return the whole assignment for a session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param options the options
	 * @return the assignment
	 * @throws ConfigNotFoundException when the config or version is unknown and there is
	 * no fallback
	 * @throws FallomModelsException when the version could not be fetched and there is
	 * no fallback
	 */
	public ModelAssignment assign(String configKey, @Nullable String sessionId, ModelOptions options) {
		if (!hasSession(configKey, sessionId, options)) {
			return new ModelAssignment(configKey, useFallback(configKey, options), 0, -1, AssignmentSource.FALLBACK);
		}
		ModelConfig config = configFor(configKey, sessionId, options);
		if (config == null) {
			return new ModelAssignment(configKey, useFallback(configKey, options), 0, -1, AssignmentSource.FALLBACK);
		}
		AssignmentSource source = sourceOf(config, options);
		long decision = assignVariant(config, sessionId, options, source);
		int variantIndex = variantIndexOf(decision);
		int match = (int) (decision >> 32);
		AssignmentReason reason = (match == ModelTargeting.NO_MATCH) ? AssignmentReason.HASH
				: ((match & 1) == 0) ? AssignmentReason.INDIVIDUAL_TARGET : AssignmentReason.RULE;
		return new ModelAssignment(configKey, config.modelAt(variantIndex), config.getVersion(), variantIndex, source,
				reason, (match == ModelTargeting.NO_MATCH) ? -1 : match >> 1);
	}

	/**
	 * Return the configs this instance assigns from.
	 * @return the registry
	 */
	public ModelConfigRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * Validate a call and find its config; without one, set the plain session context.
	 * @return the config, or {@code null} when the fallback is to be used
	 */
	/**
	 * The one rule for a missing session id: with a fallback, the fallback (logged once per
	 * config key, counted, not recorded, no session context); without one, an exception.
	 * @return whether there is a session id to assign
	 */
	private boolean hasSession(String configKey, @Nullable String sessionId, ModelOptions options) {
		if (configKey == null || configKey.isBlank()) {
			throw new IllegalArgumentException("Config key must not be null or blank");
		}
		if (sessionId != null && !sessionId.isBlank()) {
			return true;
		}
		String problem = "Session id of config '" + configKey + "' is " + ((sessionId == null) ? "null" : "blank")
				+ ": a blank id would put every such session in one bucket";
		if (options.getFallback() == null) {
			throw new IllegalArgumentException(problem + "; pass the session id, or a fallback model");
		}
		if (this.loggedMissingSessions.add(configKey)) {
			logger.warn(problem + "; using fallback model '" + options.getFallback()
					+ "' (logged once per config key, later ones are silent)");
		}
		return false;
	}

	private @Nullable ModelConfig configFor(String configKey, String sessionId, ModelOptions options) {
		Integer version = options.getVersion();
		if (version == null) {
			ModelConfig config = this.registry.getLatest(configKey);
			if (config == null) {
				noConfig(configKey, sessionId, options, "Config '" + configKey + "' not found", null);
			}
			return config;
		}
		ModelConfig config = this.registry.getCachedVersion(configKey, version);
		if (config != null) {
			return config;
		}
		String notFound = "Config '" + configKey + "' version " + version + " not found";
		if (this.pinnedVersionLoader == null) {
			noConfig(configKey, sessionId, options, notFound + " (offline: no fallom.api-key)", null);
			return null;
		}
		if (NonBlockingThreads.isCurrent()) {
			// Never wait on an event loop: fetch in the background for the next call.
			this.pinnedVersionLoader.loadInBackground(configKey, version);
			noConfig(configKey, sessionId, options, "Config '" + configKey + "' version " + version
					+ " is not cached yet and this thread must not block; it is being fetched in the background",
					new IllegalStateException("a fetch would block the non-blocking thread "
							+ Thread.currentThread().getName()));
			return null;
		}
		try {
			return this.pinnedVersionLoader.load(configKey, version);
		}
		catch (PinnedVersionLoader.VersionNotFoundException ex) {
			noConfig(configKey, sessionId, options, notFound, null);
		}
		catch (PinnedVersionLoader.VersionLoadException ex) {
			noConfig(configKey, sessionId, options,
					"Config '" + configKey + "' version " + version + " could not be fetched: " + ex.getMessage(), ex);
		}
		return null;
	}

	/**
	 * Throw when there is no fallback, otherwise log the problem once per config key.
	 */
	private void noConfig(String configKey, String sessionId, ModelOptions options, String problem,
			@Nullable Throwable cause) {
		// No assignment to carry: the session context alone, as the reference SDK sets it,
		// without the version and variant of an earlier assignment.
		if (FallomSessionHolder.maySetWithoutScope()) {
			FallomSessionHolder.setWithoutAssignment(configKey, sessionId);
		}
		String fallback = options.getFallback();
		if (fallback == null) {
			if (cause == null) {
				throw new ConfigNotFoundException(configKey, problem);
			}
			throw new FallomModelsException(configKey, problem, cause);
		}
		if (this.loggedFallbacks.add(configKey)) {
			logger.warn(problem + "; using fallback model '" + fallback
					+ "' (logged once per config key, later fallbacks are silent)");
		}
	}

	private String useFallback(String configKey, ModelOptions options) {
		String fallback = options.getFallback();
		notifyListeners(configKey, fallback, 0, AssignmentSource.FALLBACK);
		return fallback;
	}

	/**
	 * Decide and record a session's variant: targeting first, then the weighted hash.
	 * Allocates nothing when the session context is unchanged.
	 * @return the variant index in the low 32 bits, and in the high 32 bits the targeting
	 * match that decided it, or {@link ModelTargeting#NO_MATCH}
	 */
	private long assignVariant(ModelConfig config, String sessionId, ModelOptions options, AssignmentSource source) {
		// The defaults of the call's customer id and context: the same session's, else the
		// customer's of a request without a session id.
		String customerId = null;
		Map<String, String> context = Map.of();
		FallomSessionContext session = sameSession(sessionId);
		FallomCustomerContext customer = (session == null) ? FallomSessionHolder.getCustomer() : null;
		if (session != null) {
			customerId = session.customerId();
			context = session.targetingContext();
		}
		else if (customer != null) {
			customerId = customer.customerId();
			context = customer.targetingContext();
		}
		if (options.getCustomerId() != null) {
			customerId = options.getCustomerId();
		}
		SessionHasher hasher = SessionHasher.current().hash(sessionId);
		int match = config.match(customerId, targetingContextOf(context, options));
		int variantIndex = (match != ModelTargeting.NO_MATCH) ? config.targetedVariantIndex(match) : -1;
		if (variantIndex < 0) {
			// No match, or one naming a variant the config lacks: the hash decides, as in
			// the Python SDK.
			match = ModelTargeting.NO_MATCH;
			variantIndex = config.variantIndexFor(hasher.bucket());
		}
		String model = config.modelAt(variantIndex);
		// The session context with its assignment, so that traces carry the config version
		// and variant; set once, here, to allocate at most one context per new session.
		if (FallomSessionHolder.maySetWithoutScope()) {
			FallomSessionHolder.setIfChanged(config.getKey(), sessionId, config.getVersion(), variantIndex, model,
					customerId);
		}
		if (this.sessionRecorder != null) {
			this.sessionRecorder.record(config.getKey(), config.getVersion(), sessionId, model, hasher.fingerprint());
		}
		notifyListeners(config.getKey(), model, config.getVersion(), source);
		return ((long) match << 32) | (variantIndex & 0xFFFFFFFFL);
	}

	private static int variantIndexOf(long decision) {
		return (int) decision;
	}

	/**
	 * Return the current session when it is the given one (set by a web filter,
	 * {@code @FallomSession} or {@code FallomTrace}): its customer id and targeting context
	 * are the defaults of the call's, so that targeting sees the request's customer without
	 * each call passing it, and a loop over sessions never hands one session's customer to
	 * the next. Without it, the customer of a request without a session id is the default.
	 */
	private static @Nullable FallomSessionContext sameSession(String sessionId) {
		FallomSessionContext session = FallomSessionHolder.get();
		return (session != null && session.sessionId().equals(sessionId)) ? session : null;
	}

	/**
	 * Return the context targeting reads: the session's (or customer's) fields overridden
	 * by the call's. Allocates only when both have fields.
	 */
	private static Map<String, String> targetingContextOf(Map<String, String> defaults, ModelOptions options) {
		Map<String, String> callContext = options.getContext();
		if (defaults.isEmpty()) {
			return callContext;
		}
		if (callContext.isEmpty()) {
			return defaults;
		}
		Map<String, String> merged = new HashMap<>(defaults);
		merged.putAll(callContext);
		return merged;
	}

	private void notifyListeners(String configKey, String model, int version, AssignmentSource source) {
		for (AssignmentListener listener : this.listeners) {
			try {
				listener.onAssignment(configKey, model, version, source);
			}
			catch (RuntimeException ex) {
				logger.debug("Fallom assignment listener failed", ex);
			}
		}
	}

	private static AssignmentSource sourceOf(ModelConfig config, ModelOptions options) {
		if (options.getVersion() != null) {
			return AssignmentSource.PINNED;
		}
		return sourceOf(config.getOrigin());
	}

	private static AssignmentSource sourceOf(ConfigOrigin origin) {
		return switch (origin) {
			case FETCHED -> AssignmentSource.LATEST;
			case SNAPSHOT -> AssignmentSource.SNAPSHOT;
			case BOOTSTRAP -> AssignmentSource.BOOTSTRAP;
		};
	}

}
