package com.fallom.autoconfigure.models;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.models.FallomModels;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of model A/B testing: the {@link FallomModels} of the {@link Fallom} engine, whose
 * configs it syncs and whose sessions it records.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
@ConditionalOnBean(Fallom.class)
public final class FallomModelsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomModels fallomModels(Fallom fallom) {
		return fallom.models();
	}

}
