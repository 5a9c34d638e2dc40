package com.fallom.test.autoconfigure.app;

import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.autoconfigure.AutoConfigureFallomMockServer;
import com.fallom.test.autoconfigure.FallomMockServerCustomizer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static com.fallom.test.FallomAssertions.assertThat;
import static com.fallom.test.FallomMockServer.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mock of {@link AutoConfigureFallomMockServer} between the test methods of one
 * context: each starts without the recordings and faults of the one before, with the
 * configs still served.
 */
@SpringBootTest
@AutoConfigureFallomMockServer
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MockServerBetweenTestsTests {

	@Autowired
	private FallomMockServer mock;

	@Autowired
	private SupportAssistant assistant;

	@Test
	@Order(1)
	void firstTestLeavesASessionAndAFault() {
		this.assistant.answer("first", "Hello");
		await().untilAsserted(() -> assertThat(this.mock).recordedSession("first").withModel("gpt-4o"));
		this.mock.fault(Endpoint.SESSIONS, Fault.status(503));
	}

	@Test
	@Order(2)
	void nextTestStartsWithoutThemAndTheConfigsStillServed() {
		assertThat(this.mock.sessionRecords()).isEmpty();
		this.assistant.answer("second", "Hello");
		await().untilAsserted(() -> assertThat(this.mock).recordedSession("second").withModel("gpt-4o"));
	}

	@TestConfiguration
	static class Configs {

		@Bean
		FallomMockServerCustomizer configs() {
			return (mock) -> mock.putConfig("support", 1, variant("gpt-4o", 100));
		}

	}

}
