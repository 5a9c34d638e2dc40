package com.fallom.autoconfigure.aop;

import com.fallom.annotation.FallomSessionPostProcessor;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of {@link com.fallom.annotation.FallomSession @FallomSession}: a
 * post-processor that advises the annotated beans with a plain Spring AOP advisor, as
 * Boot's method validation does. It needs no AspectJ and no auto-proxy creator, so it
 * neither depends on {@code spring.aop.auto} nor changes the application's AOP set-up;
 * its own proxies are class proxies unless {@code spring.aop.proxy-target-class} is
 * {@code false}, as Boot's are.
 */
@AutoConfiguration
@ConditionalOnClass(FallomSessionPostProcessor.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomSessionAutoConfiguration {

	// Static: a post-processor, created before the other beans without this class.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static FallomSessionPostProcessor fallomSessionPostProcessor(Environment environment) {
		FallomSessionPostProcessor postProcessor = new FallomSessionPostProcessor();
		postProcessor
			.setProxyTargetClass(environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
		return postProcessor;
	}

}
