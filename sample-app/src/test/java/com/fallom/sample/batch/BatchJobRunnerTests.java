package com.fallom.sample.batch;

import java.time.Duration;

import com.fallom.sample.SampleApplication;
import com.fallom.test.FallomMockServer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BatchJobRunner}.
 */
class BatchJobRunnerTests {

	@Test
	void batchModeRecordsAnOutlierScoreForEverySession() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run("--sample.mock-backend.port=0", "--sample.batch.enabled=true", "--sample.batch.sessions=30")) {
			FallomMockServer fallom = context.getBean(FallomMockServer.class);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(fallom.metrics()).hasSize(30));
			assertThat(fallom.metrics()).allSatisfy((metric) -> {
				assertThat(metric).containsEntry("config_key", "support-assistant");
				assertThat((String) metric.get("session_id")).startsWith("batch-session-");
				assertThat(metric.get("data")).asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsKey("outlier_score");
			});
		}
	}

	@Test
	void batchModeIsOffByDefault() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.run("--sample.mock-backend.port=0")) {
			assertThat(context.getBean(FallomMockServer.class).metrics()).isEmpty();
		}
	}

}
