package com.fallom.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fallom.enabled=false} with an API key and everything on the classpath: no Fallom
 * bean, no Fallom thread, no request to the backend.
 */
@FallomMockServerTest
class FallomDisabledTests {

	@Test
	void disabledRegistersNoBeanStartsNoThreadAndMakesNoNetworkCall(FallomMockServer server) {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		new WebApplicationContextRunner().withConfiguration(FallomClasspathMatrixTests.allAutoConfigurations())
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.enabled=false", "management.endpoints.web.exposure.include=*",
					"fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=100")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<String> fallomBeans = Arrays.stream(context.getBeanDefinitionNames())
					.filter((name) -> isFallom(context.getType(name)))
					.toList();
				assertThat(fallomBeans).isEmpty();
				assertThat(newFallomThreads(before)).isEmpty();
			});
		assertThat(server.requests()).isEmpty();
	}

	// The auto-configuration classes themselves count: each must back off as a whole.
	private static boolean isFallom(Class<?> type) {
		return type != null && type.getName().startsWith("com.fallom.");
	}

	private static Set<String> newFallomThreads(Set<Thread> before) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !before.contains(thread))
			.map(Thread::getName)
			.filter((name) -> name.startsWith("fallom-") && !name.startsWith("fallom-mock"))
			.collect(Collectors.toSet());
	}

}
