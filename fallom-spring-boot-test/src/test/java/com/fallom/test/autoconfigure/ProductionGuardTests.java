package com.fallom.test.autoconfigure;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.test.autoconfigure.app.ChatApplication;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The guard in real Spring tests, run through the Jupiter engine: a test context whose
 * Fallom has an API key and a production URL fails to start, with a message that says how
 * to point it at the mock.
 */
class ProductionGuardTests {

	@Test
	void springBootTestWithAProductionKeyFailsAndNamesTheAnnotation() {
		assertThat(failureOf(ProductionSpringBootTest.class)).contains("Fallom would send this test's traffic to production")
			.contains("https://configs.fallom.com")
			.contains("@AutoConfigureFallomMockServer")
			.contains("fallom.test.forbid-production=false");
	}

	@Test
	void plainSpringTestContextIsGuardedToo() {
		assertThat(failureOf(ProductionPlainSpringTest.class)).contains("@AutoConfigureFallomMockServer");
	}

	@Test
	void guardCanBeTurnedOffOnPurpose() {
		Events tests = run(ProductionAllowedTest.class);
		tests.assertStatistics((stats) -> stats.succeeded(1).failed(0));
	}

	private static String failureOf(Class<?> testClass) {
		Events tests = run(testClass);
		tests.assertStatistics((stats) -> stats.failed(1));
		Throwable failure = tests.failed().stream().findFirst().orElseThrow().getPayload(
				org.junit.platform.engine.TestExecutionResult.class)
			.orElseThrow()
			.getThrowable()
			.orElseThrow();
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static Events run(Class<?> testClass) {
		return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
	}

	@SpringBootTest(classes = ChatApplication.class, properties = "fallom.api-key=production-key")
	static class ProductionSpringBootTest {

		@Test
		void contextLoads() {
		}

	}

	@SpringJUnitConfig(FallomOnly.class)
	@TestPropertySource(properties = "fallom.api-key=production-key")
	static class ProductionPlainSpringTest {

		@Test
		void contextLoads() {
		}

	}

	@SpringBootTest(classes = ChatApplication.class,
			properties = { "fallom.api-key=production-key", "fallom.test.forbid-production=false",
					"fallom.base-url=https://spans.fallom.com:1", "fallom.models.startup-timeout=0s",
					"fallom.tracing.enabled=false" })
	static class ProductionAllowedTest {

		@Test
		void contextLoads() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(FallomAutoConfiguration.class)
	static class FallomOnly {

	}

}
