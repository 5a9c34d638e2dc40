package com.fallom.autoconfigure.prompts;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.prompts.FallomPrompts;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of prompt management: the {@link FallomPrompts} of the {@link Fallom} engine, which
 * serves the bootstrap prompts of {@code fallom.prompts.templates} and
 * {@code fallom.prompts.ab-tests} and, when online, those it syncs in the background.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = { "fallom.enabled", "fallom.prompts.enabled" }, matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomPromptsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomPrompts fallomPrompts(Fallom fallom) {
		return fallom.prompts();
	}

}
