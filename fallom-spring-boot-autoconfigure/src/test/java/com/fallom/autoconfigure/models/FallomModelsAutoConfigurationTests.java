package com.fallom.autoconfigure.models;

import com.fallom.Fallom;
import com.fallom.internal.QueueStatistics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.models.AssignmentSource;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomModelsAutoConfiguration}.
 */
@FallomMockServerTest
class FallomModelsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class));

	private static final String[] BOOTSTRAP = { "fallom.models.configs.support.version=2",
			"fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=50",
			"fallom.models.configs.support.variants[1].model=claude-3-5-sonnet",
			"fallom.models.configs.support.variants[1].weight=50" };

	@BeforeEach
	void clearConfigs(FallomMockServer server) {
		server.clearConfigs();
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false", "fallom.api-key=k")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomModels.class)
				.doesNotHaveBean(FallomProperties.class)
				.doesNotHaveBean(Fallom.class));
	}

	@Test
	void offlineModeServesBootstrapConfigsWithoutAnyNetworkCall(FallomMockServer server) {
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues("fallom.base-url=" + server.baseUrl())
			.run((context) -> {
				assertThat(context).hasSingleBean(FallomModels.class);
				Fallom fallom = context.getBean(Fallom.class);
				assertThat(fallom.isOnline()).isFalse();
				assertThat(fallom.configRefresher()).isNull();
				assertThat(fallom.queues()).isEmpty();
				FallomModels models = context.getBean(FallomModels.class);
				assertThat(models.get("support", "user24204-convo67097")).isEqualTo("gpt-4o");
				assertThat(models.assign("support", "user24204-convo67097").source())
					.isEqualTo(AssignmentSource.BOOTSTRAP);
				assertThat(models.get("support", "s1", "fb")).isIn("gpt-4o", "claude-3-5-sonnet");
			});
		assertThat(server.requests()).isEmpty();
	}

	@Test
	void onlineModeFetchesAtStartupAndRecordsSessions(FallomMockServer server) {
		server.putConfig("{\"key\": \"support\", \"version\": 5, \"variants\": [{\"model\": \"o3-mini\", \"weight\": 100}]}");
		this.runner.withPropertyValues(BOOTSTRAP).withPropertyValues(server.propertyValues()).run((context) -> {
			assertThat(context.getBean(Fallom.class).configRefresher()).isNotNull();
			assertThat(context.getBean(Fallom.class).queues()).extracting(QueueStatistics::getQueueName)
				.contains("sessions");
			FallomModels models = context.getBean(FallomModels.class);
			assertThat(models.assign("support", "s1").configVersion()).isEqualTo(5);
			assertThat(models.get("support", "s1")).isEqualTo("o3-mini");
			await().until(() -> server.sessions().size() == 1);
		});
		assertThat(server.sessions()).containsExactly(
				Map.of("config_key", "support", "config_version", 5, "session_id", "s1", "assigned_model", "o3-mini"));
	}

	@Test
	void backendDownAtStartupServesBootstrapConfigs(FallomMockServer server) {
		server.fault(Endpoint.CONFIGS, com.fallom.test.Fault.status(503));
		this.runner.withPropertyValues(BOOTSTRAP).withPropertyValues(server.propertyValues()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Fallom.class).configRegistry().getState().origin())
				.isEqualTo(ConfigOrigin.BOOTSTRAP);
			assertThat(context.getBean(FallomModels.class).get("support", "s1")).isIn("gpt-4o", "claude-3-5-sonnet");
		});
	}

	@Test
	void snapshotFileIsWrittenAndWinsOverBootstrapAfterRestart(FallomMockServer server, @TempDir Path directory) {
		Path snapshot = directory.resolve("configs.json");
		server.putConfig("support", 9, Map.of("from-backend", 100));
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.models.snapshot-file=" + snapshot)
			.run((context) -> assertThat(snapshot).exists());
		server.fault(Endpoint.CONFIGS, com.fallom.test.Fault.status(500));
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.models.snapshot-file=" + snapshot)
			.run((context) -> {
				FallomModels models = context.getBean(FallomModels.class);
				assertThat(models.get("support", "s1")).isEqualTo("from-backend");
				assertThat(models.assign("support", "s1").source()).isEqualTo(AssignmentSource.SNAPSHOT);
			});
	}

	@Test
	void userDefinedFallomModelsWins() {
		this.runner.withUserConfiguration(CustomModelsConfiguration.class)
			.run((context) -> assertThat(context).getBean(FallomModels.class)
				.isSameAs(context.getBean(CustomModelsConfiguration.class).models));
	}

	@Test
	void recordSessionsFalseRegistersNoRecorder(FallomMockServer server) {
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.models.record-sessions=false")
			.run((context) -> {
				assertThat(context.getBean(Fallom.class).configRefresher()).isNotNull();
				assertThat(context.getBean(Fallom.class).queues()).extracting(QueueStatistics::getQueueName)
					.doesNotContain("sessions");
			});
	}

	@Test
	void seedEnvironmentVariablesBind() {
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("FALLOM_API_KEY", "env-key", "FALLOM_BASE_URL", "http://127.0.0.1:1",
							"FALLOM_CAPTURE_CONTENT", "no"))))
			.withPropertyValues("fallom.models.startup-timeout=0s")
			.run((context) -> {
				FallomProperties properties = context.getBean(FallomProperties.class);
				assertThat(properties.getApiKey()).isEqualTo("env-key");
				assertThat(properties.getBaseUrl()).isEqualTo("http://127.0.0.1:1");
				assertThat(properties.isCaptureContent()).isFalse();
			});
		for (String off : List.of("false", "0", "no")) {
			this.runner.withPropertyValues("fallom.capture-content=" + off)
				.run((context) -> assertThat(context.getBean(FallomProperties.class).isCaptureContent()).isFalse());
		}
	}

	@Test
	void invalidSettingsFailStartupNamingTheProperty() {
		assertStartupFails("fallom.models.refresh-interval", "fallom.models.refresh-interval=-5s");
		assertStartupFails("fallom.models.timeout", "fallom.models.timeout=0s");
		assertStartupFails("fallom.models.startup-timeout", "fallom.models.startup-timeout=-1s");
		assertStartupFails("fallom.base-url", "fallom.base-url=not a url");
		assertStartupFails("fallom.base-url", "fallom.base-url=ftp://example.com");
		assertStartupFails("fallom.models.configs.support.variants", "fallom.models.configs.support.version=1");
		assertStartupFails("fallom.models.configs.support.variants[0].weight",
				"fallom.models.configs.support.variants[0].model=m",
				"fallom.models.configs.support.variants[0].weight=-1");
		assertStartupFails("fallom.models.configs.support.variants[0].model",
				"fallom.models.configs.support.variants[0].weight=10");
	}

	private void assertStartupFails(String property, String... values) {
		this.runner.withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.satisfies((ex) -> assertThat(((InvalidConfigurationPropertyValueException) ex).getName())
					.isEqualTo(property));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomModelsConfiguration {

		final FallomModels models = new FallomModels(new ModelConfigRegistry(List.of(), null), null, null, List.of());

		@Bean
		FallomModels customModels() {
			return this.models;
		}

	}

}
