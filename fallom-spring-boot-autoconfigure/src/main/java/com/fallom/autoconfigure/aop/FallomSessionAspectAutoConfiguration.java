package com.fallom.autoconfigure.aop;

import com.fallom.annotation.FallomSessionAspect;
import org.aspectj.weaver.Advice;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the aspect behind {@link com.fallom.annotation.FallomSession
 * @FallomSession}. Like Boot's own aspects, it relies on {@link AopAutoConfiguration}
 * (and so {@code spring.aop.auto}) for the auto-proxying.
 */
@AutoConfiguration(after = AopAutoConfiguration.class)
@ConditionalOnClass({ Advice.class, FallomSessionAspect.class })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomSessionAspectAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FallomSessionAspect fallomSessionAspect() {
		return new FallomSessionAspect();
	}

}
