package com.fallom.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MockConfig}: configs with targeting served as the backend sends them.
 */
class MockConfigTests {

	private static final JsonMapper mapper = JsonMapper.shared();

	@Test
	void servesTargetsAndRulesInTheProtocolsShape() {
		try (FallomMockServer server = FallomMockServer.start()) {
			server.putConfig(MockConfig.key("support")
				.version(4)
				.variant("gpt-4o", 50)
				.variant("claude-3-5-sonnet", 50)
				.customer("vip-1", 1)
				.individualTarget("email", "cto@example.com", 0)
				.rule(1, MockConfig.condition("plan", "eq", "enterprise"),
						MockConfig.condition("region", "in", List.of("eu-west", "eu-central")))
				.rule(0));
			JsonNode config = mapper.readTree(TestHttp.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/configs"))
				.header("Authorization", "Bearer " + server.apiKey())
				.build()).body()).get("configs").get(0);
			assertThat(config.get("version").asInt()).isEqualTo(4);
			assertThat(config.get("variants").get(1).get("model").asString()).isEqualTo("claude-3-5-sonnet");
			JsonNode targeting = config.get("targeting");
			assertThat(targeting.get("enabled").asBoolean()).isTrue();
			assertThat(targeting.get("individualTargets").get(0).toString())
				.isEqualTo("{\"field\":\"customerId\",\"value\":\"vip-1\",\"variantIndex\":1}");
			assertThat(targeting.get("rules").get(0).toString()).isEqualTo("{\"conditions\":["
					+ "{\"field\":\"plan\",\"operator\":\"eq\",\"value\":\"enterprise\"},"
					+ "{\"field\":\"region\",\"operator\":\"in\",\"value\":[\"eu-west\",\"eu-central\"]}],\"variantIndex\":1}");
			assertThat(targeting.get("rules").get(1).get("conditions").isEmpty()).isTrue();
		}
	}

	@Test
	void configWithoutTargetsOrRulesHasNoTargetingUnlessDisabled() {
		assertThat(MockConfig.key("a").variant("m", 100).toJson())
			.isEqualTo("{\"key\":\"a\",\"version\":1,\"variants\":[{\"model\":\"m\",\"weight\":100}]}");
		assertThat(MockConfig.key("a").variant("m", 100).customer("vip", 0).targetingDisabled().toJson())
			.contains("\"targeting\":{\"enabled\":false,");
	}

}
