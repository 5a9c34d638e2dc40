package com.fallom.autoconfigure.metrics;

import java.time.Clock;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.prompts.FallomPromptsAutoConfiguration;
import com.fallom.autoconfigure.web.FallomWebFluxAutoConfiguration;
import com.fallom.autoconfigure.web.FallomWebMvcAutoConfiguration;
import com.fallom.metrics.FallomAssignmentMetrics;
import com.fallom.metrics.FallomConfigSyncMetrics;
import com.fallom.metrics.FallomPromptMetrics;
import com.fallom.metrics.FallomQueueMetrics;
import com.fallom.prompts.FallomPrompts;
import com.fallom.web.FallomWebMetrics;
import com.fallom.web.reactive.FallomSessionWebFilter;
import com.fallom.web.servlet.FallomSessionFilter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of Fallom's Micrometer metrics: assignments, prompt A/B assignments, config sync and
 * send queues. Ordered after
 * Boot's metrics auto-configuration so that its {@link MeterRegistry} is known.
 */
@AutoConfiguration(
		after = { FallomAutoConfiguration.class, FallomPromptsAutoConfiguration.class,
				FallomWebMvcAutoConfiguration.class, FallomWebFluxAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBean({ MeterRegistry.class, Fallom.class })
public final class FallomMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomAssignmentMetrics fallomAssignmentMetrics(Fallom fallom) {
		return new FallomAssignmentMetrics(fallom.models());
	}

	@Bean
	@ConditionalOnMissingBean
	FallomConfigSyncMetrics fallomConfigSyncMetrics(Fallom fallom) {
		return new FallomConfigSyncMetrics(fallom.configRegistry(), fallom.configRefresher(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	FallomQueueMetrics fallomQueueMetrics(Fallom fallom) {
		return new FallomQueueMetrics(fallom.queues());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(FallomPrompts.class)
	FallomPromptMetrics fallomPromptMetrics(FallomPrompts prompts) {
		return new FallomPromptMetrics(prompts);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.web.filter.OncePerRequestFilter",
			"com.fallom.web.servlet.FallomSessionFilter" })
	@ConditionalOnBean(FallomSessionFilter.class)
	static class ServletWebMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomWebMetrics fallomWebMetrics(FallomSessionFilter filter) {
			return new FallomWebMetrics(filter.getExtractor());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.web.server.WebFilter",
			"com.fallom.web.reactive.FallomSessionWebFilter" })
	@ConditionalOnBean(FallomSessionWebFilter.class)
	static class ReactiveWebMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomWebMetrics fallomWebMetrics(FallomSessionWebFilter filter) {
			return new FallomWebMetrics(filter.getExtractor());
		}

	}

}
