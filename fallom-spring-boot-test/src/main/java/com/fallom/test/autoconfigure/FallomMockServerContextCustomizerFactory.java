package com.fallom.test.autoconfigure;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * {@link ContextCustomizerFactory} for {@link AutoConfigureFallomMockServer}. Every test
 * context gets a customizer, so that the production guard is on in all of them, not only
 * in {@code @SpringBootTest}s.
 */
class FallomMockServerContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		boolean mockServer = TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureFallomMockServer.class);
		return new FallomMockServerContextCustomizer(mockServer);
	}

}
