package com.fallom.autoconfigure.openai;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.openai.FallomOpenAI;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of OpenAI Java SDK tracing: a {@link FallomOpenAI} bean, and a post-processor that
 * wraps every {@link OpenAIClient} and {@link OpenAIClientAsync} bean with it, so that the
 * app's Chat Completions and Responses calls become trace records without a change to
 * the code that makes them. Exports through the engine's private tracer, a no-op while
 * offline.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnClass({ OpenAIClient.class, FallomOpenAI.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomOpenAIAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomOpenAI fallomOpenAI(Fallom fallom) {
		return FallomOpenAI.create(fallom);
	}

	@Bean
	static BeanPostProcessor fallomOpenAIClientPostProcessor(ObjectProvider<FallomOpenAI> fallomOpenAI) {
		return new OpenAIClientPostProcessor(fallomOpenAI);
	}

	/**
	 * Wraps the app's OpenAI clients. The wrapper factory is looked up on first use: a
	 * post-processor is created before other beans, and must not pull the engine forward.
	 */
	static final class OpenAIClientPostProcessor implements BeanPostProcessor {

		private final ObjectProvider<FallomOpenAI> fallomOpenAI;

		OpenAIClientPostProcessor(ObjectProvider<FallomOpenAI> fallomOpenAI) {
			this.fallomOpenAI = fallomOpenAI;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof OpenAIClient client && !FallomOpenAI.isWrapped(client)) {
				FallomOpenAI wrapper = this.fallomOpenAI.getIfAvailable();
				return (wrapper != null) ? wrapper.wrap(client) : bean;
			}
			if (bean instanceof OpenAIClientAsync client && !FallomOpenAI.isWrapped(client)) {
				FallomOpenAI wrapper = this.fallomOpenAI.getIfAvailable();
				return (wrapper != null) ? wrapper.wrap(client) : bean;
			}
			return bean;
		}

	}

}
