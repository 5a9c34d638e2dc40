package com.fallom.autoconfigure;

import java.net.URI;

import com.fallom.internal.FallomHttpClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of what every Fallom feature shares: the validated {@link FallomProperties} and, when an
 * API key is set, the HTTP client of the Fallom backend.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@EnableConfigurationProperties(FallomProperties.class)
public final class FallomAutoConfiguration {

	FallomAutoConfiguration(FallomProperties properties) {
		FallomPropertiesValidator.validate(properties);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Conditional(OnFallomOnlineCondition.class)
	FallomHttpClient fallomHttpClient(FallomProperties properties) {
		return new FallomHttpClient(URI.create(properties.getBaseUrl()), properties.getApiKey(),
				properties.getModels().getTimeout());
	}

}
