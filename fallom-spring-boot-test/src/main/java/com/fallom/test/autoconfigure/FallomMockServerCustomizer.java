package com.fallom.test.autoconfigure;

import com.fallom.test.FallomMockServer;

/**
 * Callback, as a bean of the test's context, that prepares the
 * {@link FallomMockServer} of {@link AutoConfigureFallomMockServer} before the app's
 * Fallom is built, so the first sync already finds the configs and prompts it puts.
 */
@FunctionalInterface
public interface FallomMockServerCustomizer {

	/**
	 * Prepare the mock server.
	 * @param server the mock server, running
	 */
	void customize(FallomMockServer server);

}
