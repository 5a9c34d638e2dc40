package com.fallom.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a Spring test context can be pointed at a {@link FallomMockServer}.
 */
@SpringJUnitConfig(FallomMockServerSpringTests.EmptyConfiguration.class)
class FallomMockServerSpringTests {

	@RegisterExtension
	static FallomMockServerExtension fallom = new FallomMockServerExtension();

	@DynamicPropertySource
	static void fallomProperties(DynamicPropertyRegistry registry) {
		fallom.registerProperties(registry);
	}

	@Autowired
	private Environment environment;

	@Test
	void dynamicPropertySourcePointsTheContextAtTheServer(FallomMockServer server) {
		assertThat(this.environment.getProperty("fallom.base-url")).isEqualTo(server.baseUrl());
		assertThat(this.environment.getProperty("fallom.api-key")).isEqualTo(FallomMockServer.DEFAULT_API_KEY);
	}

	@Test
	void propertyValuesPointAnApplicationContextRunnerAtTheServer() {
		new ApplicationContextRunner().withPropertyValues(fallom.server().propertyValues())
			.run((context) -> assertThat(context.getEnvironment().getProperty("fallom.base-url"))
				.isEqualTo(fallom.server().baseUrl()));
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
