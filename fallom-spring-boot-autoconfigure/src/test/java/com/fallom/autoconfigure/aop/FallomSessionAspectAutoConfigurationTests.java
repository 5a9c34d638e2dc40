package com.fallom.autoconfigure.aop;

import com.fallom.annotation.FallomSession;
import com.fallom.annotation.FallomSessionAspect;
import com.fallom.session.FallomSessionHolder;
import org.aspectj.weaver.Advice;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionAspectAutoConfiguration}.
 */
class FallomSessionAspectAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(AopAutoConfiguration.class, FallomSessionAspectAutoConfiguration.class));

	@Test
	void appliesAspectToAnnotatedBeans() {
		this.runner.withUserConfiguration(ServiceConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionAspect.class);
			assertThat(context.getBean(Service.class).sessionId("c-1")).isEqualTo("c-1");
		});
	}

	@Test
	void backsOffWithoutAspectJ() {
		this.runner.withClassLoader(new FilteredClassLoader(Advice.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionAspect.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomSessionAspect.class));
	}

	@Test
	void backsOffToUserAspect() {
		this.runner.withUserConfiguration(UserAspectConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(FallomSessionAspect.class)
				.hasBean("customFallomSessionAspect"));
	}

	@Test
	void failsStartupNamingTheMethodOfAnExpressionThatDoesNotParse() {
		this.runner.withUserConfiguration(BadExpressionConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining(BadExpressionService.class.getName() + ".answer")
				.hasMessageContaining("'#conversationId +'"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		Service service() {
			return new Service();
		}

	}

	static class Service {

		@FallomSession(configKey = "support", sessionId = "#conversationId")
		String sessionId(String conversationId) {
			return FallomSessionHolder.get().sessionId();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAspectConfiguration {

		@Bean
		FallomSessionAspect customFallomSessionAspect() {
			return new FallomSessionAspect();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadExpressionConfiguration {

		@Bean
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
