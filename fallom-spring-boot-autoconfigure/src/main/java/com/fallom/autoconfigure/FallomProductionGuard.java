package com.fallom.autoconfigure;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Fails the start of a test context whose Fallom would send sessions, spans and metrics
 * to the production backend: a developer's {@code FALLOM_API_KEY} in the shell must not
 * turn a test run into production traffic.
 * <p>
 * On when {@code fallom.test.forbid-production} is true; when it is unset, on in a
 * {@code @SpringBootTest} (Boot's test bootstrapper marks its environment) and in every
 * Spring test context that {@code fallom-spring-boot-test} customizes. Off otherwise.
 */
final class FallomProductionGuard {

	static final String PROPERTY = "fallom.test.forbid-production";

	/**
	 * The property that Spring Boot's test bootstrapper adds to the environment of every
	 * {@code @SpringBootTest} context.
	 */
	private static final String SPRING_BOOT_TEST = "org.springframework.boot.test.context.SpringBootTestContextBootstrapper";

	private FallomProductionGuard() {
	}

	static void check(FallomConnectionDetails connectionDetails, FallomProperties properties,
			Environment environment) {
		if (!isOn(properties, environment) || !StringUtils.hasText(connectionDetails.getApiKey())) {
			// Without an API key nothing leaves the process
			return;
		}
		Map<String, URI> urls = Map.of("configs", connectionDetails.getConfigsUrl(), "traces",
				connectionDetails.getTracesUrl(), "prompts", connectionDetails.getPromptsUrl());
		for (String service : new String[] { "configs", "traces", "prompts" }) {
			URI url = urls.get(service);
			if (isProduction(url)) {
				throw new IllegalStateException("Fallom would send this test's traffic to production: the " + service
						+ " URL " + url + " is a production host and an API key is set (FALLOM_API_KEY or "
						+ "fallom.api-key). Annotate the test class with @AutoConfigureFallomMockServer "
						+ "(com.fallom:fallom-spring-boot-test, test scope) to point Fallom at a mock backend "
						+ "on loopback, or set fallom.base-url to a local backend. To use production on "
						+ "purpose, set " + PROPERTY + "=false.");
			}
		}
	}

	private static boolean isOn(FallomProperties properties, Environment environment) {
		Boolean forbidProduction = properties.getTest().getForbidProduction();
		if (forbidProduction != null) {
			return forbidProduction;
		}
		return environment.containsProperty(SPRING_BOOT_TEST);
	}

	static boolean isProduction(URI url) {
		String host = url.getHost();
		if (host == null) {
			return false;
		}
		host = host.toLowerCase(Locale.ROOT);
		if (host.endsWith(".")) {
			host = host.substring(0, host.length() - 1);
		}
		return host.equals("fallom.com") || host.endsWith(".fallom.com");
	}

}
