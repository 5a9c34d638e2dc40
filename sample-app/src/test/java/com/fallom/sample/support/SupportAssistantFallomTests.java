package com.fallom.sample.support;

import com.fallom.sample.support.SupportAssistant.ChatAnswer;
import com.fallom.test.FallomMockServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.fallom.test.FallomMockServer.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How an application tests its Fallom integration with {@code fallom-test}: docs/testing.md
 * quotes this class.
 */
// tag::testing[]
@SpringBootTest(properties = "sample.mock-backend.enabled=false") // the sample's own mock backend: not needed
class SupportAssistantFallomTests {

	@RegisterExtension
	static FallomMockServerExtension fallom = new FallomMockServerExtension();

	@DynamicPropertySource
	static void fallomProperties(DynamicPropertyRegistry registry) {
		fallom.registerProperties(registry); // fallom.base-url and fallom.api-key
	}

	@BeforeAll
	static void configs() {
		fallom.server().putConfig("support-assistant", 2, variant("gpt-4o", 100));
	}

	@Autowired
	private SupportAssistant assistant;

	@Test
	void answersWithTheModelFallomAssignsAndRecordsTheSession() {
		ChatAnswer answer = this.assistant.answer("test-session", "Hello");

		assertThat(answer.model()).isEqualTo("gpt-4o");
		assertThat(answer.configVersion()).isEqualTo(2);
		await().untilAsserted(() -> assertThat(fallom.server().sessions()).singleElement()
			.satisfies((record) -> assertThat(record).containsEntry("session_id", "test-session")
				.containsEntry("assigned_model", "gpt-4o")));
	}

}
// end::testing[]
