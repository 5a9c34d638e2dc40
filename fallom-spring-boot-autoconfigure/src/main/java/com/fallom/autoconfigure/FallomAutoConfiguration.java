package com.fallom.autoconfigure;

import java.util.Map;

import com.fallom.Fallom;
import com.fallom.models.AssignmentListener;
import com.fallom.prompts.PromptListener;
import com.fallom.sync.SyncListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
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
			.apiKey(connectionDetails.getApiKey())
			.configsUrl(connectionDetails.getConfigsUrl().toString())
			.tracesUrl(connectionDetails.getTracesUrl().toString())
			.promptsUrl(connectionDetails.getPromptsUrl().toString())
			.captureContent(properties.isCaptureContent())
			.refreshInterval(models.getRefreshInterval())
			.timeout(models.getTimeout())
			.startupTimeout(models.getStartupTimeout())
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
			.exportTimeout(tracing.getExportTimeout())
			.metricsQueueCapacity(tracing.getMetricsQueueCapacity())
			.shutdownTimeout(properties.getShutdownTimeout())
			.resource(resource.getIfAvailable(() -> defaultResource(environment)))
			.startOnBuild(false);
		FallomPropertiesValidator.bootstrapConfigs(models).forEach(builder::bootstrapConfig);
		FallomProperties.Prompts prompts = properties.getPrompts();
		builder.syncPrompts(prompts.isEnabled() && prompts.isSync());
		if (prompts.isEnabled()) {
			FallomPropertiesValidator.bootstrapPrompts(prompts).forEach(builder::bootstrapPrompt);
			FallomPropertiesValidator.bootstrapPromptAbTests(prompts).forEach(builder::bootstrapPromptAbTest);
			promptListeners.orderedStream().forEach(builder::promptListener);
		}
		assignmentListeners.orderedStream().forEach(builder::assignmentListener);
		syncListeners.orderedStream().forEach(builder::syncListener);
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	FallomLifecycle fallomLifecycle(Fallom fallom) {
		return new FallomLifecycle(fallom);
	}

	private static Resource defaultResource(Environment environment) {
		String name = environment.getProperty("spring.application.name");
		if (!StringUtils.hasText(name)) {
			return Resource.getDefault();
		}
		return Resource.getDefault().merge(Resource.builder().put(AttributeKey.stringKey("service.name"), name).build());
	}

}
