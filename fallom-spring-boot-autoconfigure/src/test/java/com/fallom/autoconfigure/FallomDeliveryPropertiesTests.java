package com.fallom.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.internal.spool.Spool;
import com.fallom.metrics.FallomQueueMetrics;
import com.fallom.models.FallomModels;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@code fallom.delivery.*} properties, {@code fallom.tracing.max-batch-bytes} and
 * {@code fallom.models.max-response-size}:
 * they reach the engine's senders, and bad values fail start-up naming the property.
 */
@FallomMockServerTest
class FallomDeliveryPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class));

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
		server.putConfig("support", 1, Map.of("gpt-4o", 100));
	}

	@Test
	void maxRequestsInFlightBoundsTheSessionRequestsUnderWay(FallomMockServer server) {
		server.fault(Endpoint.SESSIONS, Fault.hang());
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.max-requests-in-flight=2")
			.run((context) -> {
				FallomModels models = context.getBean(FallomModels.class);
				for (int i = 0; i < 5; i++) {
					models.get("support", "session-" + i);
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> server.requests(Endpoint.SESSIONS).size() == 2);
				// The other three wait for a free slot, however long the backend takes.
				Thread.sleep(500);
				assertThat(server.requests(Endpoint.SESSIONS)).hasSize(2);
				server.clearFaults();
				await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 5);
			});
	}

	@Test
	void backoffDelaysTheRetryOfAFailedSend(FallomMockServer server) {
		server.fault(Endpoint.SESSIONS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.initial-backoff=1h", "fallom.delivery.max-backoff=1h")
			.run((context) -> {
				context.getBean(FallomModels.class).get("support", "session-1");
				await().atMost(Duration.ofSeconds(5))
					.until(() -> server.requests(Endpoint.SESSIONS).size() == 1);
				// The default back-off (500 ms) would have retried by now.
				Thread.sleep(1500);
				assertThat(server.requests(Endpoint.SESSIONS)).hasSize(1);
			});
	}

	@Test
	void maxAttemptsGivesUpARecordAndCountsItInTheQueueMetrics(FallomMockServer server) {
		server.fault(Endpoint.SESSIONS, Fault.status(500));
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.max-attempts=2", "fallom.delivery.initial-backoff=10ms",
					"fallom.delivery.max-backoff=20ms")
			.run((context) -> {
				context.getBean(FallomModels.class).get("support", "session-1");
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				new FallomQueueMetrics(context.getBean(Fallom.class).queues()).bindTo(registry);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("fallom.queue.expired")
						.tags("queue", "sessions", "reason", "max-attempts")
						.functionCounter()
						.count() == 1);
				assertThat(server.requests(Endpoint.SESSIONS)).hasSize(2);
			});
	}

	@Test
	void maxResponseSizeFailsALargerConfigSyncWhichKeepsItsLastGoodState(FallomMockServer server) {
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.models.max-response-size=10KB")
			.run((context) -> {
				Fallom fallom = context.getBean(Fallom.class);
				assertThat(fallom.models().get("support", "session-1")).isEqualTo("gpt-4o");
				server.putConfig("support", 2, Map.of("claude", 100));
				server.fault(Endpoint.CONFIGS, Fault.paddedBody(20 * 1024));
				assertThat(fallom.configRefresher().refreshNow()).isFalse();
				assertThat(fallom.models().get("support", "session-2")).isEqualTo("gpt-4o");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "fallom.delivery.max-requests-in-flight=0", "fallom.delivery.initial-backoff=0s",
			"fallom.delivery.max-backoff=-1s", "fallom.tracing.max-batch-bytes=0", "fallom.delivery.max-attempts=0",
			"fallom.delivery.max-retry-time=0s", "fallom.models.max-response-size=0B",
			"fallom.delivery.spool-max-size=0B", "fallom.delivery.spool-max-age=0s",
			"fallom.models.max-response-size=4GB" })
	void invalidValuesFailStartUpNamingTheProperty(String property) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property.substring(0, property.indexOf('=')));
		});
	}

	@Test
	void spoolDirKeepsWhatAFailingBackendCannotTakeAndSendsItAfterRecovery(FallomMockServer server,
			@TempDir Path spool) {
		server.fault(Endpoint.SESSIONS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.spool-dir=" + spool, "fallom.delivery.initial-backoff=20ms",
					"fallom.delivery.max-backoff=100ms", "fallom.delivery.spool-max-size=64MB",
					"fallom.delivery.spool-max-age=1h")
			.run((context) -> {
				Fallom fallom = context.getBean(Fallom.class);
				Spool<?> sessions = fallom.queues().get(0).getSpool();
				assertThat(sessions).isNotNull();
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				new FallomQueueMetrics(fallom.queues()).bindTo(registry);
				for (int i = 0; i < 20; i++) {
					fallom.models().get("support", "session-" + i);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> sessions.getSpooledCount() >= 20);
				assertThat(registry.get("fallom.queue.spool.size").tags("queue", "sessions").gauge().value())
					.isPositive();
				server.clearFaults();
				await().atMost(Duration.ofSeconds(10)).until(() -> server.sessions().size() == 20);
				assertThat(registry.get("fallom.queue.replayed").tags("queue", "sessions").functionCounter().count())
					.isGreaterThanOrEqualTo(20);
			});
	}

	@Test
	void anUnwritableSpoolDirIsMemoryOnlyDeliveryNotAFailedStart(FallomMockServer server, @TempDir Path directory)
			throws Exception {
		Path file = Files.writeString(directory.resolve("not-a-directory"), "x");
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.delivery.spool-dir=" + file.resolve("spool"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Fallom fallom = context.getBean(Fallom.class);
				assertThat(fallom.queues()).allSatisfy((queue) -> assertThat(queue.getSpool()).isNull());
				fallom.models().get("support", "session-1");
				await().atMost(Duration.ofSeconds(5)).until(() -> server.sessions().size() == 1);
			});
	}

	@Test
	void maxBackoffBelowTheInitialBackoffFailsStartUpNamingBoth() {
		this.runner.withPropertyValues("fallom.delivery.initial-backoff=5s", "fallom.delivery.max-backoff=1s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("fallom.delivery.max-backoff")
				.hasMessageContaining("fallom.delivery.initial-backoff"));
	}

}
