package com.fallom.test;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomMockServerExtension} registered on a static field.
 */
class FallomMockServerRegisterExtensionTests {

	@RegisterExtension
	static FallomMockServerExtension fallom = new FallomMockServerExtension(0, "custom-key");

	@Test
	void exposesTheInjectedServerThroughTheField(FallomMockServer server) {
		assertThat(fallom.server()).isSameAs(server);
		assertThat(server.apiKey()).isEqualTo("custom-key");
		assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
	}

	@Test
	void registersPropertiesForADynamicPropertySource() {
		Map<String, Object> properties = new HashMap<>();
		fallom.registerProperties((name, value) -> properties.put(name, value.get()));
		assertThat(properties).containsEntry("fallom.base-url", fallom.server().baseUrl())
			.containsEntry("fallom.api-key", "custom-key");
	}

}
