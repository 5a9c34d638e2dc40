package com.fallom.autoconfigure.anthropic;

import com.anthropic.client.AnthropicClient;
import com.fallom.Fallom;
import com.fallom.anthropic.FallomAnthropic;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the official Anthropic Java SDK's tracing when {@code fallom-anthropic} is on the
 * class path: a {@link FallomAnthropic} bean, and a bean post-processor that wraps every
 * {@code AnthropicClient} and {@code AnthropicClientAsync} bean with it, so the app's own
 * clients are traced (and, with {@code fallom.anthropic.route-models}, A/B routed)
 * without a code change.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnClass({ AnthropicClient.class, FallomAnthropic.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.anthropic.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomAnthropicAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomAnthropic fallomAnthropic(Fallom fallom, FallomProperties properties) {
		FallomAnthropic.Builder builder = FallomAnthropic.builder(fallom);
		if (properties.getAnthropic().isRouteModels()) {
			builder.routeModels();
		}
		return builder.build();
	}

	@Bean
	static FallomAnthropicClientPostProcessor fallomAnthropicClientPostProcessor(
			ObjectProvider<FallomAnthropic> anthropic) {
		return new FallomAnthropicClientPostProcessor(anthropic);
	}

}
