package com.fallom.autoconfigure;

import java.util.Map;

import com.fallom.Fallom;
import com.fallom.models.AssignmentListener;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptListener;
import com.fallom.prompts.PromptSync;
import com.fallom.sync.SyncListener;
import io.opentelemetry.sdk.resources.Resource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@link Fallom} engine from the validated {@link FallomProperties} and the
 * {@link FallomConnectionDetails}, started and stopped with the context by a
 * {@link FallomLifecycle}. Whether it runs online is decided when it is built, from the
 * API key the context has then, so an AOT-processed app follows the key it starts with.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FallomProperties.class)
public final class FallomAutoConfiguration {

	FallomAutoConfiguration(FallomProperties properties) {
		FallomPropertiesValidator.validate(properties);
	}

	@Bean
	@ConditionalOnMissingBean(FallomConnectionDetails.class)
	PropertiesFallomConnectionDetails fallomConnectionDetails(FallomProperties properties) {
		return new PropertiesFallomConnectionDetails(properties);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Fallom fallom(FallomProperties properties, FallomConnectionDetails connectionDetails,
			ObjectProvider<Resource> resource, ObjectProvider<AssignmentListener> assignmentListeners,
			ObjectProvider<SyncListener> syncListeners, ObjectProvider<PromptListener> promptListeners,
			Environment environment) {
		FallomProductionGuard.check(connectionDetails, properties, environment);
		FallomProperties.Models models = properties.getModels();
		FallomProperties.Tracing tracing = properties.getTracing();
		FallomProperties.Delivery delivery = properties.getDelivery();
		// Spring Boot has bound the environment variables already, by its own precedence.
		Fallom.Builder builder = Fallom.builder(Map.of())
			.apiKey(FallomPropertiesValidator.apiKey(connectionDetails))
			.configsUrl(connectionDetails.getConfigsUrl().toString())
			.tracesUrl(connectionDetails.getTracesUrl().toString())
			.promptsUrl(connectionDetails.getPromptsUrl().toString())
			.captureContent(properties.isCaptureContent())
			.maxContentLength(properties.getTracing().getMaxContentLength())
			.refreshInterval(models.getRefreshInterval())
			.timeout(models.getTimeout())
			.maxResponseSize(models.getMaxResponseSize().toBytes())
			.startupTimeout(models.getStartupTimeout())
			.awaitFirstSync(models.isAwaitFirstSync())
			.missingVersionTtl(models.getMissingVersionTtl())
			.recordSessions(models.isRecordSessions())
			.sessionQueueCapacity(models.getSessionQueueCapacity())
			.recentSessions(models.getRecentSessions())
			.snapshotFile(models.getSnapshotFile())
			.exportSpans(tracing.isEnabled())
			.tracingProtocol(FallomPropertiesValidator.tracingProtocol(tracing))
			.maxContentLength(tracing.getMaxContentLength())
			.maxRecordBytes((int) tracing.getMaxRecordBytes().toBytes())
			.spanQueueCapacity(tracing.getQueueCapacity())
			.maxQueuedSpanBytes(tracing.getMaxQueuedBytes().toBytes())
			.spanBatchSize(tracing.getBatchSize())
			.maxSpanBatchBytes(tracing.getMaxBatchBytes().toBytes())
			.maxRequestsInFlight(delivery.getMaxRequestsInFlight())
			.retryBackoff(delivery.getInitialBackoff(), delivery.getMaxBackoff())
			.maxDeliveryAttempts(delivery.getMaxAttempts())
			.maxRetryTime(delivery.getMaxRetryTime())
			.spoolDirectory(delivery.getSpoolDir())
			.spoolMaxBytes(delivery.getSpoolMaxSize().toBytes())
			.spoolMaxAge(delivery.getSpoolMaxAge())
			.exportTimeout(tracing.getExportTimeout())
			.metricsQueueCapacity(tracing.getMetricsQueueCapacity())
			.shutdownTimeout(properties.getShutdownTimeout())
			.startOnBuild(false)
			// The first sync, which start-up would wait for, runs while the context
			// creates its other beans
			.firstSyncOnBuild(!refreshOnly());
		if (connectionDetails.getApiKey() != null && tracing.isEnabled()) {
			// Only spans sent to Fallom carry it: offline, nothing is worth computing it for
			Resource appResource = resource.getIfAvailable();
			String name = environment.getProperty("spring.application.name");
			if (appResource != null) {
				builder.resource(appResource);
			}
			else if (StringUtils.hasText(name)) {
				// OpenTelemetry's default resource with this name, computed by the engine
				// while its tracing warm-up loads OpenTelemetry, not on this thread before it
				builder.serviceName(name);
			}
		}
		FallomPropertiesValidator.bootstrapConfigs(models).forEach(builder::bootstrapConfig);
		FallomProperties.Prompts prompts = properties.getPrompts();
		builder.promptSync(prompts.isEnabled() ? prompts.getSync() : PromptSync.OFF);
		if (prompts.isEnabled()) {
			FallomPropertiesValidator.bootstrapPrompts(prompts).forEach(builder::bootstrapPrompt);
			FallomPropertiesValidator.bootstrapPromptAbTests(prompts).forEach(builder::bootstrapPromptAbTest);
			promptListeners.orderedStream().forEach(builder::promptListener);
		}
		assignmentListeners.orderedStream().forEach(builder::assignmentListener);
		syncListeners.orderedStream().forEach(builder::syncListener);
		return builder.build();
	}

	/**
	 * Whether the context stops at its refresh, before starting its lifecycle beans: a
	 * CRaC checkpoint there must find no socket open, and a training run that exits there
	 * has no use for configs.
	 */
	static boolean refreshOnly() {
		return DefaultLifecycleProcessor.ON_REFRESH_VALUE
			.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.CHECKPOINT_PROPERTY_NAME))
				|| DefaultLifecycleProcessor.ON_REFRESH_VALUE
					.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME));
	}

	@Bean
	@ConditionalOnMissingBean
	FallomLifecycle fallomLifecycle(Fallom fallom, ConfigurableListableBeanFactory beanFactory) {
		return new FallomLifecycle(fallom, () -> appUsesPrompts(beanFactory));
	}

	/**
	 * Whether a bean of the app (not one of Fallom's auto-configured beans, such as the
	 * prompt metrics) was given the {@link FallomPrompts}: asked once the singletons
	 * exist, when the context starts.
	 */
	static boolean appUsesPrompts(ConfigurableListableBeanFactory beanFactory) {
		for (String prompts : beanFactory.getBeanNamesForType(FallomPrompts.class, false, false)) {
			for (String dependent : beanFactory.getDependentBeans(prompts)) {
				if (!isFallomAutoConfigured(beanFactory, dependent)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isFallomAutoConfigured(ConfigurableListableBeanFactory beanFactory, String beanName) {
		if (!beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		String factoryBean = beanFactory.getBeanDefinition(beanName).getFactoryBeanName();
		return factoryBean != null && factoryBean.startsWith("com.fallom.autoconfigure.");
	}

}
