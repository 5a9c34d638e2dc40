package com.fallom.autoconfigure.aop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.annotation.FallomSession;
import com.fallom.annotation.FallomSessionPostProcessor;
import com.fallom.session.FallomSessionHolder;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionAutoConfiguration}: {@code @FallomSession} with a plain
 * Spring AOP advisor, without AspectJ, leaving the application's AOP set-up as it is.
 */
class FallomSessionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FallomSessionAutoConfiguration.class));

	@Test
	void appliesToAnnotatedBeans() {
		this.runner.withUserConfiguration(ServiceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionPostProcessor.class);
			assertThat(context.getBean(Service.class).sessionId("c-1")).isEqualTo("c-1");
		});
	}

	@Test
	void registersThePostProcessorAsInfrastructure() {
		this.runner.run((context) -> assertThat(
				context.getBeanFactory().getBeanDefinition("fallomSessionPostProcessor").getRole())
			.isEqualTo(BeanDefinition.ROLE_INFRASTRUCTURE));
	}

	@Test
	void appliesWithoutAspectJAndWithoutAnAutoProxyCreator() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FallomSessionAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withUserConfiguration(ServiceConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(Service.class).sessionId("c-2")).isEqualTo("c-2");
				assertThat(context.containsBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)).isFalse();
				assertThat(context.getBeansOfType(AbstractAutoProxyCreator.class)).isEmpty();
				assertThat(context.containsBean(AutoProxyUtils.DEFAULT_PROXY_CONFIG_BEAN_NAME)).isFalse();
			});
	}

	@ParameterizedTest(name = "spring.aop.proxy-target-class={0}")
	@ValueSource(booleans = { true, false })
	void leavesTheApplicationsAopSetUpAsItIs(boolean proxyTargetClass) {
		ApplicationContextRunner app = new ApplicationContextRunner()
			.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass)
			.withUserConfiguration(ServiceConfiguration.class);
		List<String> without = new ArrayList<>();
		app.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.run((context) -> without.add(aopSetUp(context)));
		app.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FallomSessionAutoConfiguration.class))
			.run((context) -> {
				assertThat(aopSetUp(context)).isEqualTo(without.get(0));
				assertThat(context.getBeansOfType(AbstractAutoProxyCreator.class).values())
					.extracting((creator) -> creator.getClass().getName())
					.doesNotContain("org.springframework.aop.aspectj.annotation.AnnotationAwareAspectJAutoProxyCreator");
				// Fallom's own proxies follow the application's setting.
				Greeter service = context.getBean(Greeter.class);
				assertThat(service.sessionId("c-3")).isEqualTo("c-3");
				assertThat(AopUtils.isCglibProxy(service)).isEqualTo(proxyTargetClass);
				assertThat(AopUtils.isJdkDynamicProxy(service)).isEqualTo(!proxyTargetClass);
			});
	}

	private static String aopSetUp(AssertableApplicationContext context) {
		String creator = "none";
		if (context.containsBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)) {
			AbstractAutoProxyCreator bean = context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME,
					AbstractAutoProxyCreator.class);
			creator = bean.getClass().getName() + " proxyTargetClass=" + bean.isProxyTargetClass();
		}
		String defaults = context.containsBean(AutoProxyUtils.DEFAULT_PROXY_CONFIG_BEAN_NAME)
				? context.getBeanFactory()
					.getBeanDefinition(AutoProxyUtils.DEFAULT_PROXY_CONFIG_BEAN_NAME)
					.getPropertyValues()
					.toString()
				: "none";
		return creator + ", default proxy config " + defaults;
	}

	@Test
	void doesNotProxyBeansWithoutTheAnnotation() {
		this.runner.withUserConfiguration(ServiceConfiguration.class).run((context) -> {
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
			assertThat(AopUtils.isAopProxy(context.getBean(Service.class))).isTrue();
		});
	}

	@Test
	void addsItsAdviceToABeanTheApplicationAlreadyProxies() {
		this.runner.withUserConfiguration(ServiceConfiguration.class, ApplicationProxyConfiguration.class)
			.run((context) -> {
				Service service = context.getBean(Service.class);
				assertThat(service.sessionId("c-4")).isEqualTo("c-4");
				assertThat(context.getBean("calls", AtomicInteger.class)).hasValue(1);
				assertThat(((Advised) service).getAdvisors()).hasSize(2);
				assertThat(AopUtils.isAopProxy(AopProxyUtils.getSingletonTarget(service))).as("one proxy").isFalse();
			});
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionPostProcessor.class));
	}

	@Test
	void backsOffToUserPostProcessor() {
		this.runner.withUserConfiguration(UserPostProcessorConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(FallomSessionPostProcessor.class)
				.hasBean("customFallomSessionPostProcessor"));
	}

	@Test
	void failsStartupNamingTheMethodOfAnExpressionThatDoesNotParse() {
		this.runner.withUserConfiguration(BadExpressionConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(BadExpressionService.class.getName() + ".answer")
				.hasMessageContaining("'#conversationId +'"));
	}

	@Test
	void failsStartupForABadExpressionOfALazyBean() {
		this.runner.withUserConfiguration(LazyBadExpressionConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(BadExpressionService.class.getName() + ".answer"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		Service service() {
			return new Service();
		}

		@Bean
		Greeter greeter() {
			return new GreeterService();
		}

		@Bean
		Plain plain() {
			return new Plain();
		}

	}

	// Public: the FilteredClassLoader defines the class proxy in another runtime package.
	public static class Service {

		@FallomSession(configKey = "support", sessionId = "#conversationId")
		public String sessionId(String conversationId) {
			return FallomSessionHolder.get().sessionId();
		}

	}

	public interface Greeter {

		String sessionId(String conversationId);

	}

	public static class GreeterService implements Greeter {

		@Override
		@FallomSession(configKey = "support", sessionId = "#conversationId")
		public String sessionId(String conversationId) {
			return FallomSessionHolder.get().sessionId();
		}

	}

	static class Plain {

		@Deprecated
		String sessionId(String conversationId) {
			return conversationId;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationProxyConfiguration {

		@Bean
		AtomicInteger calls() {
			return new AtomicInteger();
		}

		@Bean
		MethodInterceptor counting(AtomicInteger calls) {
			return (invocation) -> {
				calls.incrementAndGet();
				return invocation.proceed();
			};
		}

		@Bean
		static BeanNameAutoProxyCreator applicationProxies() {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("service");
			creator.setInterceptorNames("counting");
			creator.setProxyTargetClass(true);
			return creator;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPostProcessorConfiguration {

		@Bean
		static FallomSessionPostProcessor customFallomSessionPostProcessor() {
			return new FallomSessionPostProcessor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadExpressionConfiguration {

		@Bean
		BadExpressionService badExpressionService() {
			return new BadExpressionService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyBadExpressionConfiguration {

		@Bean
		@Lazy
		BadExpressionService badExpressionService() {
			return new BadExpressionService();
		}

	}

	static class BadExpressionService {

		@FallomSession(configKey = "support", sessionId = "#conversationId +")
		String answer(String conversationId) {
			return "never";
		}

	}

}
