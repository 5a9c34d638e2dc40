package com.fallom.autoconfigure.actuate;

import java.time.Clock;

import com.fallom.actuate.FallomActuateRuntimeHints;
import com.fallom.actuate.FallomEndpoint;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.internal.QueueStatistics;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ModelConfigRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@code fallom} actuator endpoint. Like every endpoint it is only reachable over
 * HTTP once exposed, e.g. with {@code management.endpoints.web.exposure.include=fallom}.
 */
@AutoConfiguration(after = FallomModelsAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBean(ModelConfigRegistry.class)
@ImportRuntimeHints(FallomActuateRuntimeHints.class)
public final class FallomEndpointAutoConfiguration {

	// On the method, not the class: the condition's class must not be resolved when
	// the actuator is absent, which the class-level @ConditionalOnClass checks first.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	FallomEndpoint fallomEndpoint(ModelConfigRegistry registry, ObjectProvider<ConfigRefresher> refresher,
			ObjectProvider<QueueStatistics> queues, FallomProperties properties) {
		FallomEndpoint.SettingsDescriptor settings = new FallomEndpoint.SettingsDescriptor(
				FallomEndpoint.mask(properties.getApiKey()), properties.getBaseUrl(), properties.isCaptureContent(),
				properties.getTracing().isEnabled());
		return new FallomEndpoint(registry, refresher.getIfAvailable(), queues.orderedStream().toList(), settings,
				Clock.systemUTC());
	}

}
