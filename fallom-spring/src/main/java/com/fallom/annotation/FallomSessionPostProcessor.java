package com.fallom.annotation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Applies {@link FallomSession @FallomSession} to the beans that carry it, with a plain
 * Spring AOP advisor, as Spring's {@code @Async} and {@code @Validated} support does: it
 * needs no AspectJ weaver and no auto-proxy creator, and leaves the application's own AOP
 * set-up (its auto-proxy creator, {@code proxyTargetClass}) as it is. A bean that is
 * already a proxy gets the advice added; another annotated bean gets a proxy of its own
 * (a class proxy when {@link #setProxyTargetClass(boolean) proxyTargetClass} is set, as
 * the auto-configuration does by default, following {@code spring.aop.proxy-target-class}).
 * <p>
 * Once the singletons are created, the expressions of every advised class (and of lazy
 * singletons not created yet) are parsed, so that a bad one fails start-up with an
 * {@link IllegalStateException} naming the method.
 */
public class FallomSessionPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
		implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(FallomSessionPostProcessor.class);

	private final FallomSessionInterceptor interceptor = new FallomSessionInterceptor();

	private final Set<Class<?>> advisedTypes = ConcurrentHashMap.newKeySet();

	/**
	 * Create the post-processor.
	 */
	public FallomSessionPostProcessor() {
		this.advisor = new DefaultPointcutAdvisor(new FallomSessionPointcut(), this.interceptor);
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		boolean eligible = super.isEligible(targetClass);
		if (eligible) {
			this.advisedTypes.add(targetClass);
		}
		return eligible;
	}

	/**
	 * Parse the expressions of the advised classes and of the lazy singletons.
	 * @throws IllegalStateException naming the method of an expression that does not
	 * parse
	 */
	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory != null) {
			// The singletons created so far went through isEligible; lazy ones did not yet.
			for (String beanName : beanFactory.getBeanDefinitionNames()) {
				if (!beanFactory.containsSingleton(beanName) && !ScopedProxyUtils.isScopedTarget(beanName)) {
					Class<?> type = lazySingletonClassOf(beanFactory, beanName);
					if (type != null) {
						isEligible(type);
					}
				}
			}
		}
		for (Class<?> type : this.advisedTypes) {
			this.interceptor.validate(type);
		}
	}

	private static @Nullable Class<?> lazySingletonClassOf(ConfigurableListableBeanFactory beanFactory,
			String beanName) {
		try {
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(beanName);
			if (!definition.isSingleton() || definition.isAbstract()) {
				return null;
			}
			// Without initialising a FactoryBean for its product's type.
			Class<?> type = beanFactory.getType(beanName, false);
			return (type != null) ? ClassUtils.getUserClass(type) : null;
		}
		catch (RuntimeException | LinkageError ex) {
			// An unresolvable bean type: nothing to advise either.
			logger.debug("Could not resolve the type of bean '" + beanName + "'", ex);
			return null;
		}
	}

}
