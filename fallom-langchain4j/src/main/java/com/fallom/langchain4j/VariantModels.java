package com.fallom.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelOptions;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Picks the model of the current session's variant and keeps one instance per model
 * name, built on first use by the user's factory. Shared by {@link FallomChatModel} and
 * {@link FallomStreamingChatModel}.
 *
 * @param <M> the kind of model
 */
final class VariantModels<M> {

	private static final Log logger = LogFactory.getLog(VariantModels.class);

	private final FallomModels models;

	private final String configKey;

	private final ModelOptions options;

	private final Function<String, ? extends M> factory;

	private final Map<String, M> instances = new ConcurrentHashMap<>();

	private final AtomicBoolean loggedMissingSession = new AtomicBoolean();

	VariantModels(FallomModels models, String configKey, @Nullable Integer version, @Nullable String fallback,
			Function<String, ? extends M> factory) {
		this.models = Objects.requireNonNull(models, "models must not be null");
		if (configKey == null || configKey.isBlank()) {
			throw new IllegalArgumentException("Config key must not be null or blank");
		}
		this.configKey = configKey;
		this.factory = Objects.requireNonNull(factory, "factory must not be null");
		ModelOptions options = (version != null) ? ModelOptions.version(version) : ModelOptions.latest();
		this.options = (fallback != null) ? options.withFallback(fallback) : options;
	}

	/**
	 * Return the model for the current session, assigning the session's variant; the
	 * assignment becomes the thread's Fallom session, so the call's span carries it.
	 */
	M current() {
		FallomSessionContext session = FallomSessionHolder.get();
		String model;
		if (session == null) {
			String fallback = this.options.getFallback();
			if (fallback == null) {
				throw new IllegalStateException("No Fallom session to assign a model of '" + this.configKey
						+ "' for: set one with Fallom#trace().withSession(configKey, sessionId) or "
						+ "FallomModels#get(configKey, sessionId), or give the model a fallback");
			}
			if (this.loggedMissingSession.compareAndSet(false, true)) {
				logger.warn("No Fallom session for config '" + this.configKey + "'; using the fallback model "
						+ fallback + " (logged once)");
			}
			model = fallback;
		}
		else {
			model = this.models.get(this.configKey, session.sessionId(), this.options);
		}
		return this.instances.computeIfAbsent(model, this::create);
	}

	private M create(String model) {
		return Objects.requireNonNull(this.factory.apply(model), () -> "The model factory returned null for " + model);
	}

	String configKey() {
		return this.configKey;
	}

}
