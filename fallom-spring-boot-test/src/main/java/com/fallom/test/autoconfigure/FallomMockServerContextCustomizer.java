package com.fallom.test.autoconfigure;

import java.util.Map;

import com.fallom.autoconfigure.FallomConnectionDetails;
import com.fallom.test.FallomMockServer;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Turns the production guard on (unless the test sets {@code fallom.test.forbid-production}
 * itself) and, for {@link AutoConfigureFallomMockServer}, registers the
 * {@link FallomMockServer} and the {@link FallomConnectionDetails} that point at it. Equal
 * customizers let Spring's test framework share one context, and so one mock, between
 * test classes.
 */
class FallomMockServerContextCustomizer implements ContextCustomizer {

	static final String SERVER_BEAN_NAME = "fallomMockServer";

	private static final String CONNECTION_DETAILS_BEAN_NAME = "fallomMockServerConnectionDetails";

	private final boolean mockServer;

	FallomMockServerContextCustomizer(boolean mockServer) {
		this.mockServer = mockServer;
	}

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		// Last, so that any property the test or the app sets wins; with the mock, a test's
		// first call sees the mock's configs, not the app's bootstrap ones
		context.getEnvironment()
			.getPropertySources()
			.addLast(new MapPropertySource("fallomTest",
					this.mockServer ? Map.of("fallom.test.forbid-production", "true", "fallom.models.await-first-sync", "true")
							: Map.of("fallom.test.forbid-production", "true")));
		if (!this.mockServer) {
			return;
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
			throw new IllegalStateException(
					"@AutoConfigureFallomMockServer needs a context whose bean factory is a BeanDefinitionRegistry");
		}
		RootBeanDefinition server = new RootBeanDefinition(FallomMockServer.class, () -> startServer(beanFactory));
		server.setDestroyMethodName("close");
		registry.registerBeanDefinition(SERVER_BEAN_NAME, server);
		// Primary, so that it wins over any other connection details, whatever they are built from
		RootBeanDefinition connectionDetails = new RootBeanDefinition(FallomMockServerConnectionDetails.class,
				() -> new FallomMockServerConnectionDetails(beanFactory.getBean(SERVER_BEAN_NAME, FallomMockServer.class)));
		connectionDetails.setPrimary(true);
		registry.registerBeanDefinition(CONNECTION_DETAILS_BEAN_NAME, connectionDetails);
	}

	private static FallomMockServer startServer(ConfigurableListableBeanFactory beanFactory) {
		FallomMockServer server = FallomMockServer.start();
		try {
			beanFactory.getBeanProvider(FallomMockServerCustomizer.class)
				.orderedStream()
				.forEach((customizer) -> customizer.customize(server));
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof FallomMockServerContextCustomizer other) && this.mockServer == other.mockServer;
	}

	@Override
	public int hashCode() {
		return Boolean.hashCode(this.mockServer);
	}

}
