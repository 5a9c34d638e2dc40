package com.fallom.autoconfigure.models;

import java.time.Clock;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.autoconfigure.FallomPropertiesValidator;
import com.fallom.internal.FallomHttpClient;
import com.fallom.models.AssignmentListener;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ConfigSyncListener;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.SessionRecorder;
import com.fallom.models.internal.PinnedVersionLoader;
import com.fallom.models.internal.SnapshotFile;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of model A/B testing: the {@link FallomModels} bean, its configs, their background sync
 * and session recording.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomModelsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ModelConfigRegistry fallomModelConfigRegistry(FallomProperties properties) {
		SnapshotFile snapshotFile = snapshotFile(properties);
		return new ModelConfigRegistry(FallomPropertiesValidator.bootstrapConfigs(properties.getModels()),
				(snapshotFile != null) ? snapshotFile.read() : null);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(FallomHttpClient.class)
	ConfigRefresher fallomConfigRefresher(FallomHttpClient client, ModelConfigRegistry registry,
			FallomProperties properties, ObjectProvider<ConfigSyncListener> syncListeners) {
		FallomProperties.Models models = properties.getModels();
		return new ConfigRefresher(client, registry, models.getRefreshInterval(), models.getStartupTimeout(),
				snapshotFile(properties), Clock.systemUTC(), syncListeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(FallomHttpClient.class)
	@ConditionalOnBooleanProperty(name = "fallom.models.record-sessions", matchIfMissing = true)
	SessionRecorder fallomSessionRecorder(FallomHttpClient client, FallomProperties properties) {
		FallomProperties.Models models = properties.getModels();
		return new SessionRecorder(client, models.getSessionQueueCapacity(), models.getRecentSessions(),
				models.getTimeout(), properties.getShutdownTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	FallomModels fallomModels(ModelConfigRegistry registry, ObjectProvider<FallomHttpClient> client,
			ObjectProvider<SessionRecorder> sessionRecorder, ObjectProvider<AssignmentListener> listeners,
			FallomProperties properties) {
		FallomHttpClient httpClient = client.getIfAvailable();
		PinnedVersionLoader loader = (httpClient != null) ? new PinnedVersionLoader(httpClient, registry,
				properties.getModels().getTimeout(), properties.getModels().getMissingVersionTtl(), Clock.systemUTC())
				: null;
		return new FallomModels(registry, loader, sessionRecorder.getIfAvailable(),
				listeners.orderedStream().toList());
	}

	private static SnapshotFile snapshotFile(FallomProperties properties) {
		return (properties.getModels().getSnapshotFile() != null)
				? new SnapshotFile(properties.getModels().getSnapshotFile()) : null;
	}

}
