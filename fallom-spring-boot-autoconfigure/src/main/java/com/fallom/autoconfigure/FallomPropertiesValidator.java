package com.fallom.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.internal.ApiKeys;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelTargeting;
import com.fallom.models.ModelVariant;
import com.fallom.models.SessionRecorder;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import com.fallom.tracing.TracingProtocol;
import com.fallom.tracing.internal.GenAiAttributes;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Checks {@link FallomProperties} at start-up so that a mistake fails fast with the name
 * of the property, instead of surfacing later as a quiet fallback.
 */
public final class FallomPropertiesValidator {

	private FallomPropertiesValidator() {
	}

	static void validate(FallomProperties properties) {
		if (properties.getApiKey() != null) {
			checkApiKey(properties.getApiKey());
		}
		validateUrl("fallom.base-url", properties.getBaseUrl());
		validateUrl("fallom.configs-url", properties.getConfigsUrl());
		validateUrl("fallom.traces-url", properties.getTracesUrl());
		validateUrl("fallom.prompts-url", properties.getPromptsUrl());
		FallomProperties.Models models = properties.getModels();
		positive("fallom.models.refresh-interval", models.getRefreshInterval());
		positive("fallom.models.timeout", models.getTimeout());
		positive("fallom.models.max-response-size", models.getMaxResponseSize());
		if (models.getMaxResponseSize().toBytes() > Integer.MAX_VALUE - 8) {
			throw new InvalidConfigurationPropertyValueException("fallom.models.max-response-size",
					models.getMaxResponseSize(), "The size must be less than 2GB.");
		}
		notNegative("fallom.models.startup-timeout", models.getStartupTimeout());
		notNegative("fallom.models.missing-version-ttl", models.getMissingVersionTtl());
		notNegative("fallom.shutdown-timeout", properties.getShutdownTimeout());
		positive("fallom.models.session-queue-capacity", models.getSessionQueueCapacity());
		between("fallom.models.recent-sessions", models.getRecentSessions(), 1, SessionRecorder.MAX_RECENT_SESSIONS,
				"(8 bytes of heap each)");
		bootstrapConfigs(models);
		bootstrapPrompts(properties.getPrompts());
		bootstrapPromptAbTests(properties.getPrompts());
		FallomProperties.Tracing tracing = properties.getTracing();
		positive("fallom.tracing.queue-capacity", tracing.getQueueCapacity());
		positive("fallom.tracing.batch-size", tracing.getBatchSize());
		positive("fallom.tracing.metrics-queue-capacity", tracing.getMetricsQueueCapacity());
		positive("fallom.tracing.export-timeout", tracing.getExportTimeout());
		positive("fallom.tracing.max-queued-bytes", tracing.getMaxQueuedBytes());
		positive("fallom.tracing.max-batch-bytes", tracing.getMaxBatchBytes());
		between("fallom.tracing.max-content-length", tracing.getMaxContentLength(), 1,
				GenAiAttributes.MAX_CONTENT_CHARS_PER_SPAN, "(the most content characters of one span)");
		positive("fallom.tracing.max-record-bytes", tracing.getMaxRecordBytes());
		if (tracing.getMaxRecordBytes().toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException("fallom.tracing.max-record-bytes",
					tracing.getMaxRecordBytes(), "Must be at most 2 GB");
		}
		tracingProtocol(tracing);
		FallomProperties.Delivery delivery = properties.getDelivery();
		positive("fallom.delivery.max-requests-in-flight", delivery.getMaxRequestsInFlight());
		positive("fallom.delivery.initial-backoff", delivery.getInitialBackoff());
		positive("fallom.delivery.max-backoff", delivery.getMaxBackoff());
		positive("fallom.delivery.max-attempts", delivery.getMaxAttempts());
		positive("fallom.delivery.max-retry-time", delivery.getMaxRetryTime());
		positive("fallom.delivery.spool-max-size", delivery.getSpoolMaxSize());
		positive("fallom.delivery.spool-max-age", delivery.getSpoolMaxAge());
		if (delivery.getMaxBackoff().compareTo(delivery.getInitialBackoff()) < 0) {
			throw new InvalidConfigurationPropertyValueException("fallom.delivery.max-backoff",
					delivery.getMaxBackoff(), "The max back-off must not be less than fallom.delivery.initial-backoff ("
							+ delivery.getInitialBackoff() + ").");
		}
	}

	/**
	 * Check {@code fallom.api-key}: whitespace around it (the line break that ends a key
	 * read from a file or a Kubernetes secret) is stripped, any other control or
	 * non-visible character fails start-up. Not with an
	 * {@link InvalidConfigurationPropertyValueException}: Boot's failure analysis of one
	 * prints the property's value from every property source, the key included.
	 */
	private static void checkApiKey(String apiKey) {
		String problem = ApiKeys.problem(apiKey);
		if (problem != null) {
			throw new IllegalStateException("Invalid fallom.api-key (FALLOM_API_KEY): the API key " + problem
					+ ". The key itself is not shown.");
		}
	}

	/**
	 * Return the API key the engine is built with, checked as {@code fallom.api-key} is,
	 * whichever {@link FallomConnectionDetails} bean gives it: a user's own bean (a
	 * service binding, a secret store) is not bound from properties, so its key is
	 * checked here, where the engine is built from it.
	 * @param connectionDetails the connection details
	 * @return the key with surrounding whitespace stripped, or {@code null} to run offline
	 * @throws IllegalStateException when the key is not usable; the message names
	 * {@code fallom.api-key} or the bean's type, and never shows the key
	 */
	static @Nullable String apiKey(FallomConnectionDetails connectionDetails) {
		String apiKey = connectionDetails.getApiKey();
		if (apiKey == null) {
			return null;
		}
		if (connectionDetails instanceof PropertiesFallomConnectionDetails) {
			checkApiKey(apiKey);
		}
		else {
			String problem = ApiKeys.problem(apiKey);
			if (problem != null) {
				throw new IllegalStateException("The API key of the FallomConnectionDetails bean ("
						+ connectionDetails.getClass().getName() + ") " + problem + ".");
			}
		}
		return apiKey.strip();
	}

	/**
	 * Convert (and so validate) the bootstrap configs.
	 * @param models the model properties
	 * @return the configs
	 */
	public static List<ModelConfig> bootstrapConfigs(FallomProperties.Models models) {
		List<ModelConfig> configs = new ArrayList<>();
		for (Map.Entry<String, FallomProperties.Config> entry : models.getConfigs().entrySet()) {
			String name = "fallom.models.configs." + entry.getKey();
			FallomProperties.Config config = entry.getValue();
			if (config.getVersion() < 1) {
				throw new InvalidConfigurationPropertyValueException(name + ".version", config.getVersion(),
						"The version must be 1 or more.");
			}
			if (config.getVariants().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".variants", "[]",
						"A bootstrap config needs at least one variant.");
			}
			List<ModelVariant> variants = new ArrayList<>();
			for (int i = 0; i < config.getVariants().size(); i++) {
				FallomProperties.Variant variant = config.getVariants().get(i);
				String variantName = name + ".variants[" + i + "]";
				if (!StringUtils.hasText(variant.getModel())) {
					throw new InvalidConfigurationPropertyValueException(variantName + ".model", variant.getModel(),
							"Each variant needs a model.");
				}
				if (!Double.isFinite(variant.getWeight()) || variant.getWeight() < 0) {
					throw new InvalidConfigurationPropertyValueException(variantName + ".weight", variant.getWeight(),
							"A weight is a percentage of 0 or more.");
				}
				variants.add(new ModelVariant(variant.getModel(), variant.getWeight()));
			}
			ModelTargeting targeting = (config.getTargeting() != null)
					? targeting(name + ".targeting", config.getTargeting(), variants.size()) : null;
			configs.add(new ModelConfig(entry.getKey(), config.getVersion(), variants, targeting,
					ConfigOrigin.BOOTSTRAP));
		}
		return configs;
	}

	private static ModelTargeting targeting(String name, FallomProperties.Targeting targeting, int variants) {
		List<ModelTargeting.IndividualTarget> targets = new ArrayList<>();
		for (int i = 0; i < targeting.getIndividualTargets().size(); i++) {
			FallomProperties.IndividualTarget target = targeting.getIndividualTargets().get(i);
			String targetName = name + ".individual-targets[" + i + "]";
			String field = field(targetName, target.getField());
			if (target.getValue() == null) {
				throw new InvalidConfigurationPropertyValueException(targetName + ".value", null,
						"Each individual target needs a value.");
			}
			targets.add(new ModelTargeting.IndividualTarget(field, target.getValue(),
					variantIndex(targetName, target.getVariantIndex(), variants)));
		}
		List<ModelTargeting.Rule> rules = new ArrayList<>();
		for (int i = 0; i < targeting.getRules().size(); i++) {
			FallomProperties.Rule rule = targeting.getRules().get(i);
			String ruleName = name + ".rules[" + i + "]";
			int variantIndex = variantIndex(ruleName, rule.getVariantIndex(), variants);
			List<ModelTargeting.Condition> conditions = new ArrayList<>();
			for (int j = 0; j < rule.getConditions().size(); j++) {
				conditions.add(condition(ruleName + ".conditions[" + j + "]", rule.getConditions().get(j)));
			}
			rules.add(new ModelTargeting.Rule(conditions, variantIndex));
		}
		return ModelTargeting.of(targeting.isEnabled(), targets, rules);
	}

	private static ModelTargeting.Condition condition(String name, FallomProperties.Condition condition) {
		String field = field(name, condition.getField());
		String operator = condition.getOperator();
		if (!StringUtils.hasText(operator)) {
			throw new InvalidConfigurationPropertyValueException(name + ".operator", operator,
					"Each condition needs an operator, one of " + ModelTargeting.OPERATORS + ".");
		}
		if (!ModelTargeting.OPERATORS.contains(operator)) {
			// The backend's targeting quietly never matches an unknown operator; in
			// application.yml it can only be a typo.
			throw new InvalidConfigurationPropertyValueException(name + ".operator", operator,
					"The operator must be one of " + ModelTargeting.OPERATORS + ".");
		}
		List<String> value = condition.getValue();
		if (value == null) {
			throw new InvalidConfigurationPropertyValueException(name + ".value", null,
					"Each condition needs a value.");
		}
		if (ModelTargeting.LIST_OPERATORS.contains(operator)) {
			return new ModelTargeting.Condition(field, operator, List.copyOf(value));
		}
		if (value.size() != 1) {
			throw new InvalidConfigurationPropertyValueException(name + ".value", value,
					"The operator '" + operator + "' compares with one string; only in and nin take a list.");
		}
		return new ModelTargeting.Condition(field, operator, value.get(0));
	}

	private static String field(String name, String field) {
		if (!StringUtils.hasText(field)) {
			throw new InvalidConfigurationPropertyValueException(name + ".field", field,
					"Each individual target and condition needs a context field, e.g. customerId.");
		}
		return field;
	}

	private static int variantIndex(String name, Integer variantIndex, int variants) {
		if (variantIndex == null) {
			throw new InvalidConfigurationPropertyValueException(name + ".variant-index", null,
					"Each individual target and rule needs the index of its variant.");
		}
		if (variantIndex < 0 || variantIndex >= variants) {
			// The backend's targeting would fall through to the hash quietly; in
			// application.yml an index off the list is a mistake.
			throw new InvalidConfigurationPropertyValueException(name + ".variant-index", variantIndex,
					"The variant index must be from 0 to " + (variants - 1) + ", the config's variants.");
		}
		return variantIndex;
	}

	/**
	 * Convert (and so validate) the bootstrap prompts.
	 * @param prompts the prompt properties
	 * @return the prompt versions
	 */
	public static List<PromptVersion> bootstrapPrompts(FallomProperties.Prompts prompts) {
		List<PromptVersion> versions = new ArrayList<>();
		for (Map.Entry<String, FallomProperties.Template> entry : prompts.getTemplates().entrySet()) {
			String name = "fallom.prompts.templates." + entry.getKey();
			FallomProperties.Template template = entry.getValue();
			if (template.getVersion() < 1) {
				throw new InvalidConfigurationPropertyValueException(name + ".version", template.getVersion(),
						"The version must be 1 or more.");
			}
			String system = (template.getSystem() != null) ? template.getSystem() : "";
			String user = (template.getUser() != null) ? template.getUser() : "";
			if (system.isEmpty() && user.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".system", "(empty)",
						"A bootstrap prompt needs a system prompt or a user template.");
			}
			versions.add(new PromptVersion(entry.getKey(), template.getVersion(), system, user));
		}
		return versions;
	}

	/**
	 * Convert (and so validate) the bootstrap prompt A/B tests.
	 * @param prompts the prompt properties
	 * @return the tests
	 */
	public static List<PromptAbTest> bootstrapPromptAbTests(FallomProperties.Prompts prompts) {
		List<PromptAbTest> tests = new ArrayList<>();
		for (Map.Entry<String, FallomProperties.AbTest> entry : prompts.getAbTests().entrySet()) {
			String name = "fallom.prompts.ab-tests." + entry.getKey();
			FallomProperties.AbTest test = entry.getValue();
			if (test.getVersion() < 1) {
				throw new InvalidConfigurationPropertyValueException(name + ".version", test.getVersion(),
						"The version must be 1 or more.");
			}
			if (test.getVariants().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".variants", "[]",
						"A bootstrap prompt A/B test needs at least one variant.");
			}
			List<PromptAbTest.Variant> variants = new ArrayList<>();
			for (int i = 0; i < test.getVariants().size(); i++) {
				FallomProperties.PromptVariant variant = test.getVariants().get(i);
				String variantName = name + ".variants[" + i + "]";
				if (!StringUtils.hasText(variant.getPromptKey())) {
					throw new InvalidConfigurationPropertyValueException(variantName + ".prompt-key",
							variant.getPromptKey(), "Each variant needs a prompt key.");
				}
				if (variant.getPromptVersion() != null && variant.getPromptVersion() < 1) {
					throw new InvalidConfigurationPropertyValueException(variantName + ".prompt-version",
							variant.getPromptVersion(), "A pinned prompt version must be 1 or more.");
				}
				if (!Double.isFinite(variant.getWeight()) || variant.getWeight() < 0) {
					throw new InvalidConfigurationPropertyValueException(variantName + ".weight", variant.getWeight(),
							"A weight is a percentage of 0 or more.");
				}
				variants.add(new PromptAbTest.Variant(variant.getPromptKey(), variant.getPromptVersion(),
						variant.getWeight()));
			}
			tests.add(new PromptAbTest(entry.getKey(), test.getVersion(), variants));
		}
		return tests;
	}

	private static void validateUrl(String name, String url) {
		if (url == null) {
			return;
		}
		String reason = null;
		if (!StringUtils.hasText(url)) {
			reason = "The URL must not be empty.";
		}
		else {
			try {
				URI uri = new URI(url);
				if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
					reason = "The URL must start with http:// or https://.";
				}
				else if (!StringUtils.hasText(uri.getHost())) {
					reason = "The URL must name a host.";
				}
				else if (uri.getQuery() != null || uri.getFragment() != null) {
					reason = "The URL must not have a query or a fragment.";
				}
			}
			catch (URISyntaxException ex) {
				reason = "The URL is malformed: " + ex.getMessage();
			}
		}
		if (reason != null) {
			throw new InvalidConfigurationPropertyValueException(name, url, reason);
		}
	}

	private static void positive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "The duration must be positive.");
		}
	}

	private static void notNegative(String name, Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "The duration must not be negative.");
		}
	}

	private static void positive(String name, DataSize size) {
		if (size == null || size.toBytes() <= 0) {
			throw new InvalidConfigurationPropertyValueException(name, size, "The size must be positive.");
		}
	}

	private static void between(String name, int value, int min, int max, String why) {
		if (value < min || value > max) {
			throw new InvalidConfigurationPropertyValueException(name, value,
					"The value must be between " + min + " and " + max + " " + why + ".");
		}
	}

	private static void positive(String name, int value) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(name, value, "The value must be positive.");
		}
	}


	/**
	 * Check the evals properties: URLs, concurrency, retries and budgets.
	 * @param evals the evals properties
	 */
	public static void validateEvals(FallomProperties.Evals evals) {
		if (!StringUtils.hasText(evals.getAppUrl())) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.app-url", evals.getAppUrl(),
					"The Fallom app URL must not be blank.");
		}
		validateUrl("fallom.evals.app-url", evals.getAppUrl());
		if (!StringUtils.hasText(evals.getJudgeBaseUrl())) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.judge-base-url",
					evals.getJudgeBaseUrl(), "The judge's base URL must not be blank.");
		}
		validateUrl("fallom.evals.judge-base-url", evals.getJudgeBaseUrl());
		if (!StringUtils.hasText(evals.getJudgeModel())) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.judge-model", evals.getJudgeModel(),
					"The judge model must not be blank.");
		}
		if (evals.getJudgeApiKey() != null && evals.getJudgeApiKey().isBlank()) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.judge-api-key", "(blank)",
					"The judge API key must not be blank; leave it unset to use OPENROUTER_API_KEY.");
		}
		positive("fallom.evals.judge-timeout", evals.getJudgeTimeout());
		if (evals.getConcurrency() < 1) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.concurrency", evals.getConcurrency(),
					"The concurrency must be at least 1.");
		}
		if (evals.getMaxRetries() < 0) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.max-retries", evals.getMaxRetries(),
					"The retries must not be negative.");
		}
		if (evals.getMaxCalls() < 0) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.max-calls", evals.getMaxCalls(),
					"The call budget must not be negative; 0 means no limit.");
		}
		if (!(evals.getMaxCost() >= 0) || Double.isInfinite(evals.getMaxCost())) {
			throw new InvalidConfigurationPropertyValueException("fallom.evals.max-cost", evals.getMaxCost(),
					"The dollar budget must be a finite number >= 0; 0 means no limit.");
		}
	}

	/**
	 * Return the wire format of exported spans.
	 * @param tracing the tracing properties
	 * @return the protocol
	 * @throws InvalidConfigurationPropertyValueException naming
	 * {@code fallom.tracing.protocol} for a value other than {@code records} or {@code otlp}
	 */
	static TracingProtocol tracingProtocol(FallomProperties.Tracing tracing) {
		try {
			return TracingProtocol.of(tracing.getProtocol(), "fallom.tracing.protocol");
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("fallom.tracing.protocol", tracing.getProtocol(),
					"Must be 'records' or 'otlp'");
		}
	}

}
