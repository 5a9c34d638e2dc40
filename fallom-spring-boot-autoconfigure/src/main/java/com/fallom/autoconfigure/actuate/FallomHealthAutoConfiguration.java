package com.fallom.autoconfigure.actuate;

import java.time.Clock;

import com.fallom.Fallom;
import com.fallom.actuate.FallomHealthIndicator;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@code fallom} health indicator. It is in no health group unless the user adds
 * it, and it always reports {@code UP}, so a Fallom outage never fails a probe.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, FallomHealthIndicator.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomHealthAutoConfiguration {

	// On the method, not the class: the condition's class must not be resolved when
	// spring-boot-health is absent, which the class-level @ConditionalOnClass checks first.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnEnabledHealthIndicator("fallom")
	FallomHealthIndicator fallomHealthIndicator(Fallom fallom, FallomProperties properties) {
		return new FallomHealthIndicator(fallom.configRegistry(), fallom.configRefresher(),
				properties.getPrompts().isEnabled() ? fallom.promptRegistry() : null, fallom.promptRefresher(),
				fallom.queues(), Clock.systemUTC());
	}

}
