package com.fallom.test.autoconfigure;

import com.fallom.test.FallomMockServer;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Clears the recordings and faults of the {@link AutoConfigureFallomMockServer} mock after
 * each test method, so that a test sees only what the app sent since the previous one
 * ended. Configs and prompts stay, as the app has synced them.
 */
class FallomMockServerTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (!TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), AutoConfigureFallomMockServer.class)
				|| !testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		if (context.containsBean(FallomMockServerContextCustomizer.SERVER_BEAN_NAME)) {
			FallomMockServer server = context.getBean(FallomMockServerContextCustomizer.SERVER_BEAN_NAME,
					FallomMockServer.class);
			server.clearFaults();
			server.reset();
		}
	}

}
