package com.fallom.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health indicator and the endpoint over real HTTP, in a whole Boot application
 * whose backend fails, with the API key nowhere in what an operator can see.
 */
@ExtendWith(OutputCaptureExtension.class)
// Closed after the class: a cached context would keep its refresh thread running while
// other test classes check that no Fallom thread is left.
@DirtiesContext
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,fallom",
				"management.endpoint.health.show-details=always", "management.endpoint.health.probes.enabled=true",
				"logging.level.com.fallom=DEBUG", "fallom.models.refresh-interval=50ms",
				"fallom.models.startup-timeout=0s", "fallom.models.configs.support.variants[0].model=gpt-4o",
				"fallom.models.configs.support.variants[0].weight=100",
				"fallom.models.configs.support.targeting.individual-targets[0].field=customerId",
				"fallom.models.configs.support.targeting.individual-targets[0].value=vip-secret-customer",
				"fallom.models.configs.support.targeting.individual-targets[0].variant-index=0",
				"fallom.models.configs.support.targeting.rules[0].variant-index=0",
				"fallom.models.configs.support.targeting.rules[0].conditions[0].field=plan",
				"fallom.models.configs.support.targeting.rules[0].conditions[0].operator=in",
				"fallom.models.configs.support.targeting.rules[0].conditions[0].value[0]=secret-plan-1",
				"fallom.models.configs.support.targeting.rules[0].conditions[0].value[1]=secret-plan-2" })
class FallomActuatorWebIntegrationTests {

	private static final String API_KEY = "sk-very-secret-123";

	// Not the JUnit extension: it clears faults before each test, after the context has
	// started, and the context must see the backend failing from its first sync.
	private static final FallomMockServer server = FallomMockServer.start(0, API_KEY);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper mapper = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private Fallom fallom;

	@Autowired
	private FallomModels models;

	@DynamicPropertySource
	static void fallomProperties(DynamicPropertyRegistry registry) {
		server.properties().forEach((name, value) -> registry.add(name, () -> value));
		// Set before the context starts, so that the very first sync already fails.
		server.fault(Endpoint.CONFIGS, Fault.malformedBody());
		server.fault(Endpoint.SESSIONS, Fault.status(500));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void failingBackendIsReportedOverHttpWithoutEverShowingOrLoggingTheApiKey(CapturedOutput output)
			throws Exception {
		this.models.get("support", "s1");
		await().until(() -> this.fallom.configRefresher().getStatus().consecutiveFailures() >= 3);
		await().until(() -> server.requestCount(Endpoint.SESSIONS) >= 1);

		String health = get("/actuator/health");
		JsonNode fallomHealth = this.mapper.readTree(health).path("components").path("fallom");
		assertThat(fallomHealth.path("status").asString()).isEqualTo("UP");
		assertThat(fallomHealth.path("details").path("stale").asBoolean()).isTrue();
		assertThat(fallomHealth.path("details").path("origin").asString()).isEqualTo("bootstrap");
		assertThat(fallomHealth.path("details").path("lastFailureReason").asString()).startsWith("malformed response");
		assertThat(this.mapper.readTree(get("/actuator/health/readiness")).path("components").has("fallom")).isFalse();

		String endpoint = get("/actuator/fallom");
		JsonNode state = this.mapper.readTree(endpoint);
		assertThat(state.path("mode").asString()).isEqualTo("online");
		assertThat(state.path("settings").path("apiKey").asString()).isEqualTo("****23");
		assertThat(state.path("sync").path("stale").asBoolean()).isTrue();
		assertThat(state.path("configs").path("support").path("origin").asString()).isEqualTo("bootstrap");
		assertThat(state.path("queues").has("sessions")).isTrue();
		JsonNode targeting = state.path("configs").path("support").path("targeting");
		assertThat(targeting.path("enabled").asBoolean()).isTrue();
		assertThat(targeting.path("individualTargets").asInt()).isEqualTo(1);
		assertThat(targeting.path("rules")).hasSize(1);
		assertThat(targeting.path("rules").path(0).path("variantIndex").asInt()).isZero();
		JsonNode condition = targeting.path("rules").path(0).path("conditions").path(0);
		assertThat(condition.path("field").asString()).isEqualTo("plan");
		assertThat(condition.path("operator").asString()).isEqualTo("in");
		assertThat(condition.has("value")).isFalse();
		assertThat(endpoint).doesNotContain("secret");

		server.clearFaults();
		server.putConfig("support", 3, Map.of("o3-mini", 100));
		String refreshed = post("/actuator/fallom");
		await().until(() -> this.fallom.configRefresher().getStatus().consecutiveFailures() == 0);
		JsonNode fetched = this.mapper.readTree(get("/actuator/fallom")).path("configs").path("support");
		assertThat(fetched.path("version").asInt()).isEqualTo(3);
		assertThat(fetched.path("targeting").isMissingNode() || fetched.path("targeting").isNull()).isTrue();

		for (String shown : new String[] { health, endpoint, refreshed, get("/actuator/fallom"), output.getAll() }) {
			assertThat(shown).doesNotContain(API_KEY).doesNotContain("very-secret");
		}
		assertThat(output.getAll()).contains("Fallom config sync").contains("Fallom sessions");
	}

	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private String post(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
