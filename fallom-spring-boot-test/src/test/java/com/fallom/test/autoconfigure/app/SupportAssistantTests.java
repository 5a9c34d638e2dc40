package com.fallom.test.autoconfigure.app;

import com.fallom.test.FallomMockServer;
import com.fallom.test.autoconfigure.AutoConfigureFallomMockServer;
import com.fallom.test.autoconfigure.FallomMockServerCustomizer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static com.fallom.test.FallomAssertions.assertThat;
import static com.fallom.test.FallomMockServer.variant;
import static org.awaitility.Awaitility.await;

/**
 * A user's test of their app, as docs/testing.md shows it: the app talks to a mock Fallom
 * backend, and the test asserts on what it received.
 */
// tag::testing[]
@SpringBootTest(properties = "fallom.capture-content=false")
@AutoConfigureFallomMockServer
class SupportAssistantTests {

	@TestConfiguration
	static class FallomConfigs {

		@Bean // runs before the app's first sync
		FallomMockServerCustomizer supportConfig() {
			return (mock) -> mock.putConfig("support", 3, variant("gpt-4o", 100));
		}

	}

	@Autowired
	private FallomMockServer mock;

	@Autowired
	private SupportAssistant assistant;

	@Test
	void answersWithTheAssignedModelAndReportsTheSessionAndTheChatRecord() {
		this.assistant.answer("s1", "Where is my order?");

		await().untilAsserted(() -> {
			assertThat(this.mock).recordedSession("s1").withModel("gpt-4o").withConfigVersion(3);
			// The record names the model that answered, as the SDKs do; the session record the assigned one
			assertThat(this.mock).receivedChatRecord()
				.forSession("s1")
				.hasModel("gpt-4o-2024-08-06")
				.hasPromptTokens(12)
				.hasNoContent();
		});
	}

}
// end::testing[]
