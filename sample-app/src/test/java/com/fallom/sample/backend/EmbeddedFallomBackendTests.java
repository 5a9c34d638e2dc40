package com.fallom.sample.backend;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EmbeddedFallomBackend}.
 */
class EmbeddedFallomBackendTests {

	private final EmbeddedFallomBackend postProcessor = new EmbeddedFallomBackend(new DeferredLogs());

	@Test
	void startsTheMockWithTheBootstrapConfigsAndPointsFallomAtItWhenNoApiKeyIsSet() {
		StandardEnvironment environment = environment(Map.of("sample.mock-backend.port", "0",
				"fallom.models.configs.support-assistant.version", "3",
				"fallom.models.configs.support-assistant.variants[0].model", "gpt-4o",
				"fallom.models.configs.support-assistant.variants[0].weight", "50",
				"fallom.models.configs.support-assistant.variants[1].model", "claude-3-5-sonnet",
				"fallom.models.configs.support-assistant.variants[1].weight", "50"));
		try (GenericApplicationContext context = startWithTheBackend(environment)) {
			FallomMockServer server = context.getBean(EmbeddedFallomBackend.BEAN_NAME, FallomMockServer.class);
			assertThat(environment.getProperty("fallom.base-url")).isEqualTo(server.baseUrl());
			assertThat(environment.getProperty("fallom.api-key")).isEqualTo(EmbeddedFallomBackend.LOCAL_API_KEY);
			assertThat(server.port()).isPositive();
			context.close();
			assertThat(isListening(server)).isFalse();
		}
	}

	@Test
	void servesTheTargetingOfTheBootstrapConfigs() throws Exception {
		Map<String, Object> properties = new HashMap<>();
		properties.put("sample.mock-backend.port", "0");
		properties.put("sample.mock-backend.vip-customer", "");
		properties.put("fallom.models.configs.support-assistant.variants[0].model", "gpt-4o");
		properties.put("fallom.models.configs.support-assistant.variants[0].weight", "100");
		properties.put("fallom.models.configs.support-assistant.variants[1].model", "claude-3-5-sonnet");
		properties.put("fallom.models.configs.support-assistant.variants[1].weight", "0");
		String targeting = "fallom.models.configs.support-assistant.targeting.";
		properties.put(targeting + "individual-targets[0].field", "customerId");
		properties.put(targeting + "individual-targets[0].value", "c-7");
		properties.put(targeting + "individual-targets[0].variant-index", "1");
		properties.put(targeting + "rules[0].variant-index", "1");
		properties.put(targeting + "rules[0].conditions[0].field", "plan");
		properties.put(targeting + "rules[0].conditions[0].operator", "in");
		properties.put(targeting + "rules[0].conditions[0].value[0]", "enterprise");
		properties.put(targeting + "rules[0].conditions[0].value[1]", "team");
		properties.put(targeting + "rules[0].conditions[1].field", "region");
		properties.put(targeting + "rules[0].conditions[1].operator", "startsWith");
		properties.put(targeting + "rules[0].conditions[1].value", "eu-");
		StandardEnvironment environment = environment(properties);
		try (GenericApplicationContext context = startWithTheBackend(environment)) {
			FallomMockServer server = context.getBean(EmbeddedFallomBackend.BEAN_NAME, FallomMockServer.class);
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/configs"))
					.header("Authorization", "Bearer " + EmbeddedFallomBackend.LOCAL_API_KEY)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.body().replace(" ", "")).contains(
					"\"individualTargets\":[{\"field\":\"customerId\",\"value\":\"c-7\",\"variantIndex\":1}]",
					"\"conditions\":[{\"field\":\"plan\",\"operator\":\"in\","
							+ "\"value\":[\"enterprise\",\"team\"]},{\"field\":\"region\","
							+ "\"operator\":\"startsWith\",\"value\":\"eu-\"}],\"variantIndex\":1");
		}
	}

	@Test
	void leavesARealBackendAloneWhenAnApiKeyIsSet() {
		StandardEnvironment environment = environment(
				Map.of("fallom.api-key", "real-key", "fallom.base-url", "https://spans.fallom.com"));
		SpringApplication application = new SpringApplication();
		int initializers = application.getInitializers().size();
		this.postProcessor.postProcessEnvironment(environment, application);

		assertThat(environment.getProperty("fallom.base-url")).isEqualTo("https://spans.fallom.com");
		assertThat(application.getInitializers()).hasSize(initializers);
	}

	@Test
	void staysOffWhenDisabled() {
		StandardEnvironment environment = environment(Map.of("sample.mock-backend.enabled", "false"));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("fallom.api-key")).isNull();
	}

	/**
	 * Run the post-processor as a {@code SpringApplication} would, and refresh a context
	 * with the initializers it added.
	 */
	private GenericApplicationContext startWithTheBackend(StandardEnvironment environment) {
		SpringApplication application = new SpringApplication();
		Set<ApplicationContextInitializer<?>> before = application.getInitializers();
		this.postProcessor.postProcessEnvironment(environment, application);
		GenericApplicationContext context = new GenericApplicationContext();
		application.getInitializers()
			.stream()
			.filter((initializer) -> !before.contains(initializer))
			.forEach((initializer) -> initialize(initializer, context));
		context.refresh();
		return context;
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void initialize(ApplicationContextInitializer initializer,
			GenericApplicationContext context) {
		initializer.initialize(context);
	}

	private static boolean isListening(FallomMockServer server) {
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
