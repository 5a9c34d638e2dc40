package com.fallom.autoconfigure.actuate;

import java.time.Clock;

import com.fallom.Fallom;
import com.fallom.actuate.FallomActuateRuntimeHints;
import com.fallom.actuate.FallomEndpoint;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomConnectionDetails;
import com.fallom.autoconfigure.FallomProperties;

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
@AutoConfiguration(after = FallomAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, FallomEndpoint.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
@ImportRuntimeHints(FallomActuateRuntimeHints.class)
public final class FallomEndpointAutoConfiguration {

	// On the method, not the class: the condition's class must not be resolved when
	// the actuator is absent, which the class-level @ConditionalOnClass checks first.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	FallomEndpoint fallomEndpoint(Fallom fallom, FallomConnectionDetails connectionDetails,
			FallomProperties properties) {
		FallomEndpoint.SettingsDescriptor settings = new FallomEndpoint.SettingsDescriptor(
				FallomEndpoint.mask(connectionDetails.getApiKey()), fallom.getConfigsUrl().toString(),
				fallom.getTracesUrl().toString(), fallom.getPromptsUrl().toString(), fallom.isCaptureContent(),
				properties.getTracing().isEnabled());
		return new FallomEndpoint(fallom.configRegistry(), fallom.configRefresher(),
				properties.getPrompts().isEnabled() ? fallom.promptRegistry() : null, fallom.promptRefresher(),
				fallom.queues(), settings, Clock.systemUTC());
	}

}
