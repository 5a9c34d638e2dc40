package com.fallom.autoconfigure.models;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.autoconfigure.FallomPropertiesValidator;
import com.fallom.internal.QueueStatistics;
import com.fallom.models.AssignmentReason;
import com.fallom.models.AssignmentSource;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelOptions;
import com.fallom.models.ModelTargeting;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
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

	// The whole weight on the first variant, so that only targeting gives the second.
	private static final String[] BOOTSTRAP_FIRST_VARIANT = { "fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=100",
			"fallom.models.configs.support.variants[1].model=claude-3-5-sonnet",
			"fallom.models.configs.support.variants[1].weight=0" };

	private static final String TARGETING = "fallom.models.configs.support.targeting";

	private static final String RULE = TARGETING + ".rules[0]";

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
			// Bootstrap configs serve until the first sync, which does not hold up start-up
			await().untilAsserted(() -> assertThat(models.assign("support", "s1").configVersion()).isEqualTo(5));
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
			.run((context) -> await().untilAsserted(() -> assertThat(snapshot).exists()));
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

	@Test
	void bootstrapTargetingFromYamlPinsCustomersAndContexts() {
		this.runner.withInitializer(new ConfigDataApplicationContextInitializer())
			.withPropertyValues("spring.config.name=fallom-targeting")
			.run((context) -> {
				FallomModels models = context.getBean(FallomModels.class);
				// Session ids of this test only: a call leaves its session, customer id and
				// all, as the thread's current session, which a later call on the same
				// session id inherits.
				assertThat(models.get("support-assistant", "yaml-1")).isEqualTo("gpt-4o");
				assertThat(models.get("support-assistant", "yaml-2", ModelOptions.customerId("vip-42")))
					.isEqualTo("claude-3-5-sonnet");
				assertThat(models.get("support-assistant", "yaml-3", ModelOptions.customerId("vip-43"))).isEqualTo("gpt-4o");
				ModelAssignment vip = models.assign("support-assistant", "yaml-4", ModelOptions.customerId("vip-42"));
				assertThat(vip.reason()).isEqualTo(AssignmentReason.INDIVIDUAL_TARGET);
				assertThat(vip.source()).isEqualTo(AssignmentSource.BOOTSTRAP);
				assertThat(models.get("support-assistant", "yaml-5", ModelOptions.context(Map.of("plan", "enterprise"))))
					.isEqualTo("claude-3-5-sonnet");
				assertThat(models.get("support-assistant", "yaml-6", ModelOptions.context(Map.of("plan", "free"))))
					.isEqualTo("gpt-4o");
				// A YAML list is the list of "in"; "Acme, Inc." stays one string, comma and all.
				ModelAssignment european = models.assign("support-assistant", "yaml-7",
						ModelOptions.context(Map.of("region", "eu-central", "company", "Acme, Inc.")));
				assertThat(european.model()).isEqualTo("o3-mini");
				assertThat(european.reason()).isEqualTo(AssignmentReason.RULE);
				assertThat(european.targetingIndex()).isEqualTo(1);
				assertThat(models.get("support-assistant", "yaml-8",
						ModelOptions.context(Map.of("region", "us-east", "company", "Acme, Inc."))))
					.isEqualTo("gpt-4o");
				assertThat(models.get("support-assistant", "yaml-9",
						ModelOptions.context(Map.of("region", "eu-west", "company", "Acme"))))
					.isEqualTo("gpt-4o");
				ModelTargeting targeting = FallomPropertiesValidator
					.bootstrapConfigs(context.getBean(FallomProperties.class).getModels())
					.get(0)
					.getTargeting();
				assertThat(targeting).isEqualTo(ModelTargeting.of(
						List.of(new ModelTargeting.IndividualTarget("customerId", "vip-42", 1)),
						List.of(new ModelTargeting.Rule(
								List.of(new ModelTargeting.Condition("plan", "eq", "enterprise")), 1),
								new ModelTargeting.Rule(
										List.of(new ModelTargeting.Condition("region", "in",
												List.of("eu-west", "eu-central")),
												new ModelTargeting.Condition("company", "eq", "Acme, Inc.")),
										2))));
			});
	}

	@Test
	void everyOperatorOfTheProtocolBindsAndMatches() {
		String[][] cases = { { "eq", "gold", "gold" }, { "neq", "gold", "silver" }, { "contains", "ol", "gold" },
				{ "startsWith", "go", "gold" }, { "endsWith", "ld", "gold" } };
		for (String[] operation : cases) {
			this.runner.withPropertyValues(BOOTSTRAP_FIRST_VARIANT)
				.withPropertyValues(RULE + ".variant-index=1", RULE + ".conditions[0].field=tier",
						RULE + ".conditions[0].operator=" + operation[0], RULE + ".conditions[0].value=" + operation[1])
				.run((context) -> assertThat(context.getBean(FallomModels.class)
					.get("support", "operators", ModelOptions.context(Map.of("tier", operation[2]))))
					.as(operation[0])
					.isEqualTo("claude-3-5-sonnet"));
		}
		for (String operator : new String[] { "in", "nin" }) {
			this.runner.withPropertyValues(BOOTSTRAP_FIRST_VARIANT)
				.withPropertyValues(RULE + ".variant-index=1", RULE + ".conditions[0].field=tier",
						RULE + ".conditions[0].operator=" + operator,
						RULE + ".conditions[0].value[0]=gold", RULE + ".conditions[0].value[1]=platinum")
				.run((context) -> {
					FallomModels models = context.getBean(FallomModels.class);
					assertThat(models.get("support", "operators", ModelOptions.context(Map.of("tier", "platinum"))))
						.as(operator)
						.isEqualTo("in".equals(operator) ? "claude-3-5-sonnet" : "gpt-4o");
					assertThat(models.get("support", "operators", ModelOptions.context(Map.of("tier", "bronze"))))
						.as(operator)
						.isEqualTo("in".equals(operator) ? "gpt-4o" : "claude-3-5-sonnet");
				});
		}
	}

	@Test
	void disabledBootstrapTargetingIsKeptButMatchesNothing() {
		this.runner.withPropertyValues(BOOTSTRAP_FIRST_VARIANT)
			.withPropertyValues(TARGETING + ".enabled=false", TARGETING + ".individual-targets[0].field=customerId",
					TARGETING + ".individual-targets[0].value=vip-42",
					TARGETING + ".individual-targets[0].variant-index=1")
			.run((context) -> {
				assertThat(context.getBean(FallomModels.class)
					.get("support", "disabled", ModelOptions.customerId("vip-42"))).isEqualTo("gpt-4o");
				ModelTargeting targeting = FallomPropertiesValidator
					.bootstrapConfigs(context.getBean(FallomProperties.class).getModels())
					.get(0)
					.getTargeting();
				assertThat(targeting.isEnabled()).isFalse();
				assertThat(targeting.getIndividualTargets()).hasSize(1);
			});
	}

	@Test
	void bootstrapConfigWithoutTargetingHasNone() {
		this.runner.withPropertyValues(BOOTSTRAP)
			.run((context) -> assertThat(FallomPropertiesValidator
				.bootstrapConfigs(context.getBean(FallomProperties.class).getModels())
				.get(0)
				.getTargeting()).isNull());
	}

	@Test
	void invalidBootstrapTargetingFailsStartupNamingTheProperty() {
		String target = TARGETING + ".individual-targets[0]";
		String condition = RULE + ".conditions[0]";
		assertStartupFails(condition + ".operator", withBootstrap(RULE + ".variant-index=1",
				condition + ".field=plan", condition + ".operator=equals", condition + ".value=enterprise"));
		assertStartupFails(condition + ".operator", withBootstrap(RULE + ".variant-index=1",
				condition + ".field=plan", condition + ".operator=starts-with", condition + ".value=ent"));
		assertStartupFails(condition + ".operator", withBootstrap(RULE + ".variant-index=1",
				condition + ".field=plan", condition + ".value=enterprise"));
		assertStartupFails(condition + ".field", withBootstrap(RULE + ".variant-index=1",
				condition + ".operator=eq", condition + ".value=enterprise"));
		assertStartupFails(condition + ".value", withBootstrap(RULE + ".variant-index=1",
				condition + ".field=plan", condition + ".operator=eq"));
		assertStartupFails(condition + ".value", withBootstrap(RULE + ".variant-index=1",
				condition + ".field=plan", condition + ".operator=eq", condition + ".value[0]=a",
				condition + ".value[1]=b"));
		assertStartupFails(RULE + ".variant-index", withBootstrap(RULE + ".variant-index=2",
				condition + ".field=plan", condition + ".operator=eq", condition + ".value=enterprise"));
		assertStartupFails(RULE + ".variant-index", withBootstrap(RULE + ".variant-index=-1",
				condition + ".field=plan", condition + ".operator=eq", condition + ".value=enterprise"));
		assertStartupFails(RULE + ".variant-index", withBootstrap(condition + ".field=plan",
				condition + ".operator=eq", condition + ".value=enterprise"));
		assertStartupFails(target + ".variant-index", withBootstrap(target + ".field=customerId",
				target + ".value=vip-42", target + ".variant-index=2"));
		assertStartupFails(target + ".variant-index", withBootstrap(target + ".field=customerId",
				target + ".value=vip-42"));
		assertStartupFails(target + ".field", withBootstrap(target + ".value=vip-42", target + ".variant-index=1"));
		assertStartupFails(target + ".field", withBootstrap(target + ".field= ", target + ".value=vip-42",
				target + ".variant-index=1"));
		assertStartupFails(target + ".value", withBootstrap(target + ".field=customerId", target + ".variant-index=1"));
	}

	private static String[] withBootstrap(String... values) {
		String[] all = Arrays.copyOf(BOOTSTRAP, BOOTSTRAP.length + values.length);
		System.arraycopy(values, 0, all, BOOTSTRAP.length, values.length);
		return all;
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
