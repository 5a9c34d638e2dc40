package com.fallom.test.autoconfigure.app;

import java.util.Map;

import com.fallom.Fallom;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.autoconfigure.AutoConfigureFallomMockServer;
import com.fallom.test.autoconfigure.FallomMockServerCustomizer;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static com.fallom.test.FallomAssertions.assertThat;
import static com.fallom.test.FallomMockServer.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A suite of three test classes as users write them, run through the Jupiter engine:
 * the first and the third share a cached context, the second needs another one. Spring
 * Framework 7 pauses the first context when the second loads (it stops its lifecycle
 * beans; {@code spring.test.context.cache.pause} defaults to {@code on_context_switch})
 * and starts it again for the third, whose app must still deliver to the mock.
 */
class CachedContextReuseTests {

	@Test
	void contextReusedAfterAnotherOneLoadedStillDeliversAndSyncs() {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.testclass.order.default", ClassOrderer.OrderAnnotation.class.getName())
			.selectors(selectClass(FirstContextTest.class), selectClass(OtherContextTest.class),
					selectClass(FirstContextAgainTest.class))
			.execute()
			.testEvents();
		assertThat(tests.failed().stream()
			.map((event) -> event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
			.flatMap(java.util.Optional::stream)
			.map(Throwable::toString)).isEmpty();
		tests.assertStatistics((stats) -> stats.succeeded(3));
	}

	@TestConfiguration
	static class Configs {

		@Bean
		FallomMockServerCustomizer reusedContextConfigs() {
			return (mock) -> mock.putConfig("support", 1, variant("gpt-4o", 100));
		}

	}

	@Order(1)
	@SpringBootTest(classes = { ChatApplication.class, Configs.class })
	@AutoConfigureFallomMockServer
	static class FirstContextTest {

		@Autowired
		private FallomMockServer mock;

		@Autowired
		private SupportAssistant assistant;

		@Test
		void delivers() {
			this.assistant.answer("first", "Hello");
			await().untilAsserted(() -> assertThat(this.mock).recordedSession("first").withModel("gpt-4o"));
		}

	}

	@Order(2)
	@SpringBootTest(classes = { ChatApplication.class, Configs.class }, properties = "fallom.capture-content=false")
	@AutoConfigureFallomMockServer
	static class OtherContextTest {

		@Autowired
		private SupportAssistant assistant;

		@Test
		void loadsAnotherContext() {
			this.assistant.answer("other", "Hello");
		}

	}

	@Order(3)
	@SpringBootTest(classes = { ChatApplication.class, Configs.class })
	@AutoConfigureFallomMockServer
	static class FirstContextAgainTest {

		@Autowired
		private FallomMockServer mock;

		@Autowired
		private SupportAssistant assistant;

		@Autowired
		private FallomTrace trace;

		@Autowired
		private Fallom fallom;

		@Test
		void stillDeliversSessionRecordsMetricsAndSpansAndSyncs() {
			assertThat(this.fallom.isRunning()).isTrue();
			this.assistant.answer("again", "Hello");
			this.trace.span(Map.of("score", 1), "support", "again");
			await().untilAsserted(() -> {
				assertThat(this.mock).recordedSession("again").withModel("gpt-4o");
				assertThat(this.mock).receivedChatRecord().forSession("again").hasConfigKey("support");
				assertThat(this.mock.metricsRecords()).hasSize(1);
				assertThat(this.mock.requestCount(Endpoint.CONFIGS)).isPositive();
			});
		}

	}

}
