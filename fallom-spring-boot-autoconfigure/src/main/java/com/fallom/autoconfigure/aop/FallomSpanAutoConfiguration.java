package com.fallom.autoconfigure.aop;

import com.fallom.annotation.FallomSpanPostProcessor;
import com.fallom.tracing.FallomTrace;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of {@link com.fallom.annotation.FallomSpan @FallomSpan}: a
 * post-processor that times the annotated methods as manual spans of the
 * {@link FallomTrace} bean, with a plain Spring AOP advisor as
 * {@link FallomSessionAutoConfiguration} does (no AspectJ, no auto-proxy creator).
 */
@AutoConfiguration(after = FallomSessionAutoConfiguration.class)
@ConditionalOnClass(FallomSpanPostProcessor.class)
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomSpanAutoConfiguration {

	// Static: a post-processor, created before the other beans without this class. The
	// trace API is looked up on the first annotated call, when the engine exists.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static FallomSpanPostProcessor fallomSpanPostProcessor(ObjectProvider<FallomTrace> trace, Environment environment) {
		FallomSpanPostProcessor postProcessor = new FallomSpanPostProcessor(SingletonSupplier.of(trace::getIfAvailable));
		postProcessor
			.setProxyTargetClass(environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
		return postProcessor;
	}

}
