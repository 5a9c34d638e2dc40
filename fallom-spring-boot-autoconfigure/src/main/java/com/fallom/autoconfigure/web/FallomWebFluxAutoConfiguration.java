package com.fallom.autoconfigure.web;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.web.reactive.FallomSessionWebFilter;
import com.fallom.web.reactive.ReactiveFallomContextResolver;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the WebFlux filter that puts the Fallom session of each request
 * in its Reactor {@code Context}.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ WebFilter.class, Mono.class, FallomSessionWebFilter.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.web.enabled", matchIfMissing = true)
public final class FallomWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomSessionWebFilter fallomSessionWebFilter(FallomProperties properties,
			ObjectProvider<ReactiveFallomContextResolver> contextResolver) {
		return new FallomSessionWebFilter(SessionIdExtractors.of(properties.getWeb()),
				properties.getWeb().isCustomerIdFromPrincipal(), contextResolver.getIfUnique());
	}

}
