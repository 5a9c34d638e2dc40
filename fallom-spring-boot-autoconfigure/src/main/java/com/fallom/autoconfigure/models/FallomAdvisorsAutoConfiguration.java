package com.fallom.autoconfigure.models;

import com.fallom.autoconfigure.prompts.FallomPromptsAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.prompts.FallomPrompts;
import com.fallom.springai.FallomAdvisors;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the {@link FallomAdvisors} that make Spring AI {@code ChatClient} advisors A/B testing
 * each call, from the engine's models and, when prompt management is on, its prompts.
 */
@AutoConfiguration(after = { FallomModelsAutoConfiguration.class, FallomPromptsAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnClass(name = { "com.fallom.springai.FallomAdvisors",
		"org.springframework.ai.chat.client.advisor.api.CallAdvisor" })
@ConditionalOnBean(FallomModels.class)
public final class FallomAdvisorsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomAdvisors fallomAdvisors(FallomModels models, ObjectProvider<FallomPrompts> prompts) {
		return new FallomAdvisors(models, prompts.getIfAvailable());
	}

}
