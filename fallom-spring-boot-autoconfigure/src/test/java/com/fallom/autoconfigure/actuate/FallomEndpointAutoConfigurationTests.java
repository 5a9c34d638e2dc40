package com.fallom.autoconfigure.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fallom.actuate.FallomEndpoint;
import com.fallom.actuate.FallomEndpoint.ConditionDescriptor;
import com.fallom.actuate.FallomEndpoint.FallomDescriptor;
import com.fallom.actuate.FallomEndpoint.RefreshResultDescriptor;
import com.fallom.actuate.FallomEndpoint.RuleDescriptor;
import com.fallom.actuate.FallomEndpoint.TargetingDescriptor;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelOptions;
import com.fallom.models.ModelVariant;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import com.fallom.test.MockConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomEndpointAutoConfiguration}.
 */
@FallomMockServerTest
class FallomEndpointAutoConfigurationTests {

	private static final String[] BOOTSTRAP = { "fallom.models.configs.support.version=2",
			"fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=60",
			"fallom.models.configs.support.variants[1].model=claude-3-5-sonnet",
			"fallom.models.configs.support.variants[1].weight=40" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=fallom")
		.withPropertyValues(BOOTSTRAP);

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
		server.clearConfigs();
		server.clearPrompts();
	}

	@Test
	void backendUpShowsFetchedConfigsPinnedVersionsSyncAndQueues(FallomMockServer server) {
		server.putConfig("support", 5, Map.of("gpt-4o-mini", 100));
		server.putConfig("support", 7, Map.of("o3-mini", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			context.getBean(FallomModels.class).get("support", "s1", ModelOptions.version(5));
			FallomDescriptor fallom = context.getBean(FallomEndpoint.class).fallom();
			assertThat(fallom.mode()).isEqualTo("online");
			assertThat(fallom.configs()).containsOnlyKeys("support");
			assertThat(fallom.configs().get("support").version()).isEqualTo(7);
			assertThat(fallom.configs().get("support").origin()).isEqualTo("fetched");
			assertThat(fallom.configs().get("support").variants()).containsExactly(new ModelVariant("o3-mini", 100));
			assertThat(fallom.pinnedVersions()).singleElement()
				.satisfies((pinned) -> assertThat(pinned.version()).isEqualTo(5));
			assertThat(fallom.sync().origin()).isEqualTo("fetched");
			assertThat(fallom.sync().stale()).isFalse();
			assertThat(fallom.sync().successes()).isEqualTo(1);
			assertThat(fallom.sync().lastSuccess()).isNotNull();
			assertThat(fallom.sync().lastDuration()).isNotNull();
			assertThat(fallom.sync().configAge()).isNotNull();
			assertThat(fallom.queues()).containsOnlyKeys("sessions", "metrics", "spans");
			assertThat(fallom.settings().configsUrl()).isEqualTo(server.baseUrl());
			assertThat(fallom.settings().tracesUrl()).isEqualTo(server.baseUrl());
			assertThat(fallom.settings().promptsUrl()).isEqualTo(server.baseUrl());
			assertThat(fallom.settings().captureContent()).isTrue();
		});
	}

	@Test
	void backendDownShowsBootstrapConfigsAndTheFailure(FallomMockServer server) {
		server.fault(Endpoint.CONFIGS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			FallomDescriptor fallom = context.getBean(FallomEndpoint.class).fallom();
			assertThat(fallom.configs().get("support").origin()).isEqualTo("bootstrap");
			assertThat(fallom.configs().get("support").variants()).extracting(ModelVariant::model)
				.containsExactly("gpt-4o", "claude-3-5-sonnet");
			assertThat(fallom.sync().origin()).isEqualTo("bootstrap");
			assertThat(fallom.sync().stale()).isTrue();
			assertThat(fallom.sync().lastFailureReason()).isEqualTo("HTTP 503");
			assertThat(fallom.sync().lastSuccess()).isNull();
			assertThat(fallom.sync().configAge()).isNull();
		});
	}

	@Test
	void showsATargetingSummaryOfFetchedConfigsWithoutTheirValues(FallomMockServer server) {
		server.putConfig(MockConfig.key("support")
			.version(3)
			.variant("gpt-4o", 50)
			.variant("claude-3-5-sonnet", 50)
			.customer("vip-secret-customer", 1)
			.individualTarget("email", "jane@example.com", 0)
			.rule(1, MockConfig.condition("plan", "eq", "enterprise-secret"),
					MockConfig.condition("region", "in", List.of("eu-secret-1", "eu-secret-2")))
			.rule(0));
		server.putConfig(MockConfig.key("disabled").variant("gpt-4o", 100).customer("vip-1", 0).targetingDisabled());
		server.putConfig(MockConfig.key("plain").variant("gpt-4o", 100));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			FallomDescriptor fallom = context.getBean(FallomEndpoint.class).fallom();
			assertThat(fallom.configs().get("support").targeting()).isEqualTo(new TargetingDescriptor(true, 2,
					List.of(new RuleDescriptor(1,
							List.of(new ConditionDescriptor("plan", "eq"), new ConditionDescriptor("region", "in"))),
							new RuleDescriptor(0, List.of()))));
			assertThat(fallom.configs().get("disabled").targeting())
				.isEqualTo(new TargetingDescriptor(false, 1, List.of()));
			assertThat(fallom.configs().get("plain").targeting()).isNull();
			assertThat(fallom.toString()).doesNotContain("secret").doesNotContain("example.com");
		});
	}

	@Test
	void showsATargetingSummaryOfBootstrapConfigs() {
		this.runner
			.withPropertyValues("fallom.models.configs.support.targeting.individual-targets[0].field=customerId",
					"fallom.models.configs.support.targeting.individual-targets[0].value=vip-42",
					"fallom.models.configs.support.targeting.individual-targets[0].variant-index=1",
					"fallom.models.configs.support.targeting.rules[0].variant-index=0",
					"fallom.models.configs.support.targeting.rules[0].conditions[0].field=plan",
					"fallom.models.configs.support.targeting.rules[0].conditions[0].operator=startsWith",
					"fallom.models.configs.support.targeting.rules[0].conditions[0].value=ent")
			.run((context) -> {
				FallomDescriptor fallom = context.getBean(FallomEndpoint.class).fallom();
				assertThat(fallom.configs().get("support").targeting()).isEqualTo(new TargetingDescriptor(true, 1,
						List.of(new RuleDescriptor(0, List.of(new ConditionDescriptor("plan", "startsWith"))))));
			});
	}

	@Test
	void backendNeverReachedShowsTheNetworkFailure() {
		this.runner.withPropertyValues("fallom.api-key=key-that-is-long-enough-42", "fallom.base-url=http://127.0.0.1:1")
			.run((context) -> {
				awaitFirstSyncs(context);
				FallomDescriptor fallom = context.getBean(FallomEndpoint.class).fallom();
				assertThat(fallom.sync().failures()).isEqualTo(1);
				assertThat(fallom.sync().lastFailureReason()).startsWith("request failed");
				assertThat(fallom.settings().apiKey()).isEqualTo("****42");
			});
	}

	@Test
	void refreshSyncsAtOnceAndReturnsTheNewState(FallomMockServer server) {
		// A failure that is not a refusal: no back-off.
		server.fault(Endpoint.CONFIGS, Fault.malformedBody());
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			FallomEndpoint endpoint = context.getBean(FallomEndpoint.class);
			assertThat(endpoint.fallom().sync().origin()).isEqualTo("bootstrap");
			assertThat(endpoint.fallom().refresh()).as("only in the answer to a refresh").isNull();
			server.clearFaults();
			server.putConfig("support", 8, Map.of("o3-mini", 100));
			FallomDescriptor refreshed = endpoint.refresh();
			assertThat(refreshed.sync().origin()).isEqualTo("fetched");
			assertThat(refreshed.sync().consecutiveFailures()).isZero();
			assertThat(refreshed.configs().get("support").version()).isEqualTo(8);
			assertThat(refreshed.refresh().configs()).isEqualTo(new RefreshResultDescriptor("succeeded", null));
			assertThat(refreshed.refresh().prompts()).isEqualTo(new RefreshResultDescriptor("succeeded", null));
			assertThat(refreshed.refresh().promptAbTests()).isEqualTo(new RefreshResultDescriptor("succeeded", null));
		});
	}

	@Test
	void refreshDuringABackOffDoesNotReachTheBackendAndSaysWhenTheBackOffEnds(FallomMockServer server) {
		server.fault(Endpoint.CONFIGS, Fault.status(503));
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			awaitFirstSyncs(context);
			FallomEndpoint endpoint = context.getBean(FallomEndpoint.class);
			int requests = server.requestCount(Endpoint.CONFIGS);
			server.clearFaults();
			server.putConfig("support", 8, Map.of("o3-mini", 100));
			FallomDescriptor refreshed = endpoint.refresh();
			assertThat(server.requestCount(Endpoint.CONFIGS)).isEqualTo(requests);
			assertThat(refreshed.refresh().configs().result()).isEqualTo("backing-off");
			// The refresh interval (30 s by default) doubled once after the refusal.
			assertThat(refreshed.refresh().configs().backoffUntil()).isAfter(Instant.now().plusSeconds(30));
			assertThat(refreshed.refresh().prompts().result()).isEqualTo("succeeded");
			assertThat(refreshed.sync().origin()).isEqualTo("bootstrap");
			assertThat(refreshed.sync().consecutiveFailures()).isEqualTo(1);
		});
	}

	@Test
	void offlineModeShowsBootstrapConfigsAndNoApiKey() {
		this.runner.run((context) -> {
			FallomEndpoint endpoint = context.getBean(FallomEndpoint.class);
			FallomDescriptor fallom = endpoint.refresh();
			assertThat(fallom.mode()).isEqualTo("offline");
			assertThat(fallom.settings().apiKey()).isNull();
			assertThat(fallom.sync().refreshInterval()).isNull();
			assertThat(fallom.queues()).isEmpty();
			assertThat(fallom.configs().get("support").origin()).isEqualTo("bootstrap");
		});
	}

	@Test
	void listsPromptsWithTheirVersionsAndTestsWithTheirVariantsButNoTemplateWhenCaptureIsOff(
			FallomMockServer server) {
		server.putPrompt("support-warm", 1, "SYSTEM-TEXT-1", "USER-TEXT-1");
		server.putPrompt("support-warm", 2, "SYSTEM-TEXT-2", "USER-TEXT-2");
		server.putPrompt("support-brief", 4, "SYSTEM-TEXT-3", "USER-TEXT-3");
		server.putPromptAbTest("{\"key\": \"support-tone\", \"version\": 3, \"variants\": ["
				+ "{\"prompt_key\": \"support-warm\", \"prompt_version\": 1, \"weight\": 50},"
				+ "{\"prompt_key\": \"support-brief\", \"prompt_version\": null, \"weight\": 30},"
				+ "{\"prompt_key\": \"not-synced\", \"prompt_version\": null, \"weight\": 20}]}");
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.capture-content=false", "fallom.prompts.sync=always")
			.run((context) -> {
				awaitFirstSyncs(context);
				FallomEndpoint.PromptsDescriptor prompts = context.getBean(FallomEndpoint.class).fallom().prompts();
				assertThat(prompts.prompts()).containsOnlyKeys("support-warm", "support-brief");
				assertThat(prompts.prompts().get("support-warm").currentVersion()).isEqualTo(2);
				assertThat(prompts.prompts().get("support-warm").versions()).containsExactly(1, 2);
				assertThat(prompts.prompts().values()).allSatisfy((prompt) -> {
					assertThat(prompt.systemPrompt()).isNull();
					assertThat(prompt.userTemplate()).isNull();
				});
				assertThat(prompts.abTests().get("support-tone").version()).isEqualTo(3);
				assertThat(prompts.abTests().get("support-tone").variants()).containsExactly(
						new FallomEndpoint.PromptVariantDescriptor(0, "support-warm", 1, 50, 1),
						new FallomEndpoint.PromptVariantDescriptor(1, "support-brief", null, 30, 4),
						new FallomEndpoint.PromptVariantDescriptor(2, "not-synced", null, 20, null));
				assertThat(prompts.sync().stale()).isFalse();
				assertThat(prompts.sync().prompts().successes()).isPositive();
				assertThat(prompts.sync().abTests().successes()).isPositive();
				assertThat(context.getBean(FallomEndpoint.class).fallom().toString()).doesNotContain("TEXT-");
			});
	}

	@Test
	void showsTemplatesWhenCaptureIsOn() {
		this.runner.withPropertyValues("fallom.prompts.templates.greeting.system=Be kind.",
				"fallom.prompts.templates.greeting.user=Hello {{ name }}")
			.run((context) -> {
				FallomEndpoint.PromptsDescriptor prompts = context.getBean(FallomEndpoint.class).fallom().prompts();
				assertThat(prompts.sync()).isNull();
				assertThat(prompts.prompts().get("greeting").systemPrompt()).isEqualTo("Be kind.");
				assertThat(prompts.prompts().get("greeting").userTemplate()).isEqualTo("Hello {{ name }}");
			});
	}

	@Test
	void refreshSyncsPromptsToo(FallomMockServer server) {
		this.runner.withPropertyValues(server.propertyValues()).run((context) -> {
			FallomEndpoint endpoint = context.getBean(FallomEndpoint.class);
			assertThat(endpoint.fallom().prompts().prompts()).isEmpty();
			server.putPrompt("late", 1, "s", "u");
			assertThat(endpoint.refresh().prompts().prompts()).containsOnlyKeys("late");
		});
	}

	@Test
	void noPromptsSectionWhenPromptsAreDisabled() {
		this.runner.withPropertyValues("fallom.prompts.enabled=false")
			.run((context) -> assertThat(context.getBean(FallomEndpoint.class).fallom().prompts()).isNull());
	}

	@Test
	void apiKeyIsMaskedToItsLastTwoCharactersOrHiddenWhenShort() {
		assertThat(FallomEndpoint.mask("sk-very-secret-123")).isEqualTo("****23");
		assertThat(FallomEndpoint.mask("short")).isEqualTo("****");
		assertThat(FallomEndpoint.mask(" ")).isNull();
		assertThat(FallomEndpoint.mask(null)).isNull();
	}

	@Test
	void backsOffWhenTheEndpointIsNotExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.exclude=fallom")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomEndpoint.class));
	}

	@Test
	void backsOffWithoutTheActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(FallomEndpoint.class)
				.hasSingleBean(FallomModels.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomEndpoint.class));
	}

	@Test
	void userDefinedEndpointWins() {
		this.runner.withUserConfiguration(CustomEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(FallomEndpoint.class)
				.isSameAs(context.getBean(CustomEndpointConfiguration.class).endpoint));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		final FallomEndpoint endpoint = new FallomEndpoint(new ModelConfigRegistry(List.of(), null), null, List.of(),
				new FallomEndpoint.SettingsDescriptor(null, "http://localhost", "http://localhost",
						"http://localhost", false, false),
				java.time.Clock.systemUTC());

		@Bean
		FallomEndpoint customFallomEndpoint() {
			return this.endpoint;
		}

	}

	/**
	 * Wait for the first syncs: with bootstrap configs to serve, start-up does not.
	 */
	private static void awaitFirstSyncs(org.springframework.context.ApplicationContext context) {
		com.fallom.Fallom fallom = context.getBean(com.fallom.Fallom.class);
		await().until(() -> fallom.configRefresher().getStatus().lastAttempt() != null);
		if (fallom.promptRefresher() != null && fallom.promptRefresher().isRunning()) {
			await().until(() -> fallom.promptRefresher().getPromptStatus().lastAttempt() != null
					&& fallom.promptRefresher().getAbTestStatus().lastAttempt() != null);
		}
	}

}
