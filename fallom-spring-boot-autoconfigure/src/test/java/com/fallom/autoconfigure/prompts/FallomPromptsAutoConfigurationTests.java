package com.fallom.autoconfigure.prompts;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptListener;
import com.fallom.prompts.PromptNotFoundException;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FallomPromptsAutoConfiguration}.
 */
@FallomMockServerTest
class FallomPromptsAutoConfigurationTests {

	private static final String[] BOOTSTRAP = { "fallom.prompts.templates.support-a.version=1",
			"fallom.prompts.templates.support-a.system=You are {{ company }}'s support assistant.",
			"fallom.prompts.templates.support-a.user={{ question }}",
			"fallom.prompts.templates.support-b.version=3",
			"fallom.prompts.templates.support-b.system=Answer {{ company }}'s customers in one paragraph.",
			"fallom.prompts.ab-tests.support-tone.variants[0].prompt-key=support-a",
			"fallom.prompts.ab-tests.support-tone.variants[0].weight=50",
			"fallom.prompts.ab-tests.support-tone.variants[1].prompt-key=support-b",
			"fallom.prompts.ab-tests.support-tone.variants[1].prompt-version=3",
			"fallom.prompts.ab-tests.support-tone.variants[1].weight=50" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomPromptsAutoConfiguration.class));

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
		server.clearPrompts();
	}

	@Test
	void offlineServesBootstrapPromptsAndTestsWithoutAnyNetworkCall(FallomMockServer server) {
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues("fallom.base-url=" + server.baseUrl())
			.run((context) -> {
				FallomPrompts prompts = context.getBean(FallomPrompts.class);
				assertThat(prompts).isSameAs(context.getBean(Fallom.class).prompts());
				FallomPrompt prompt = prompts.get("support-a", Map.of("company", "Acme", "question", "Where?"));
				assertThat(prompt.system()).isEqualTo("You are Acme's support assistant.");
				assertThat(prompt.user()).isEqualTo("Where?");
				assertThat(prompts.get("support-b", Map.of("company", "Acme")).user()).isEmpty();
				List<Integer> variants = new CopyOnWriteArrayList<>();
				for (int i = 0; i < 200; i++) {
					FallomPrompt tested = prompts.getAb("support-tone", "session-" + i, Map.of("company", "Acme"));
					assertThat(tested.abTestKey()).isEqualTo("support-tone");
					assertThat(tested.key()).isEqualTo((tested.variantIndex() == 0) ? "support-a" : "support-b");
					variants.add(tested.variantIndex());
				}
				assertThat(variants).contains(0, 1);
			});
		assertThat(server.requests()).isEmpty();
	}

	@Test
	void onlineSyncsPromptsAndTestsAfterServingTheBootstrapOnes(FallomMockServer server) {
		server.putPrompt("support-a", 7, "Synced system", "Synced {{ question }}");
		server.putPromptAbTest("{\"key\": \"synced-test\", \"version\": 2, \"variants\": "
				+ "[{\"prompt_key\": \"support-a\", \"prompt_version\": null, \"weight\": 100}]}");
		this.runner.withPropertyValues(BOOTSTRAP).withPropertyValues(server.propertyValues()).run((context) -> {
			FallomPrompts prompts = context.getBean(FallomPrompts.class);
			assertThat(context.getBean(Fallom.class).promptRefresher()).isNotNull();
			// Bootstrap prompts serve at once: the first sync does not hold up start-up.
			await().untilAsserted(() -> assertThat(context.getBean(Fallom.class).promptRefresher().getAbTestStatus()
				.successes()).isOne());
			assertThat(prompts.get("support-a", Map.of("question", "Why?")).user()).isEqualTo("Synced Why?");
			assertThat(prompts.getAb("synced-test", "s1", null).version()).isEqualTo(7);
			// A synced list replaces the bootstrap one.
			assertThat(context.getBean(Fallom.class).promptRegistry().abTests()).extracting("key")
				.containsExactly("synced-test");
		});
	}

	@Test
	void syncFalseServesBootstrapPromptsOnlineWithoutAskingTheBackend(FallomMockServer server) {
		server.putPrompt("support-a", 7, "Synced system", "Synced");
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.prompts.sync=false")
			.run((context) -> {
				assertThat(context.getBean(Fallom.class).promptRefresher()).isNull();
				assertThat(context.getBean(FallomPrompts.class).get("support-a", null).version()).isEqualTo(1);
			});
		assertThat(server.requestCount(Endpoint.PROMPTS)).isZero();
		assertThat(server.requestCount(Endpoint.PROMPT_AB_TESTS)).isZero();
	}

	@Test
	void disabledRegistersNoPromptsBeanAndSyncsNothing(FallomMockServer server) {
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.prompts.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(FallomPrompts.class).hasSingleBean(Fallom.class);
				assertThat(context.getBean(Fallom.class).promptRefresher()).isNull();
				assertThatExceptionOfType(PromptNotFoundException.class)
					.isThrownBy(() -> context.getBean(Fallom.class).prompts().get("support-a", null));
			});
		assertThat(server.requestCount(Endpoint.PROMPTS)).isZero();
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues(BOOTSTRAP)
			.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomPrompts.class));
	}

	@Test
	void promptListenerBeansAreToldOfEveryPrompt() {
		this.runner.withPropertyValues(BOOTSTRAP).withUserConfiguration(ListenerConfiguration.class).run((context) -> {
			FallomPrompts prompts = context.getBean(FallomPrompts.class);
			prompts.get("support-a", null);
			prompts.getAb("support-tone", "s1", null);
			assertThat(context.getBean(ListenerConfiguration.class).told).containsExactly("get support-a",
					"ab support-tone");
		});
	}

	@Test
	void userDefinedFallomPromptsWins() {
		this.runner.withUserConfiguration(CustomPromptsConfiguration.class)
			.run((context) -> assertThat(context).getBean(FallomPrompts.class)
				.isSameAs(context.getBean(CustomPromptsConfiguration.class).prompts));
	}

	@Test
	void invalidBootstrapPromptsFailStartupNamingTheProperty() {
		assertStartupFails("fallom.prompts.templates.p.version", "fallom.prompts.templates.p.version=0",
				"fallom.prompts.templates.p.user=u");
		assertStartupFails("fallom.prompts.templates.p.system", "fallom.prompts.templates.p.version=2");
		assertStartupFails("fallom.prompts.ab-tests.t.variants", "fallom.prompts.ab-tests.t.version=1");
		assertStartupFails("fallom.prompts.ab-tests.t.version", "fallom.prompts.ab-tests.t.version=0",
				"fallom.prompts.ab-tests.t.variants[0].prompt-key=p");
		assertStartupFails("fallom.prompts.ab-tests.t.variants[0].prompt-key",
				"fallom.prompts.ab-tests.t.variants[0].weight=100");
		assertStartupFails("fallom.prompts.ab-tests.t.variants[0].prompt-version",
				"fallom.prompts.ab-tests.t.variants[0].prompt-key=p",
				"fallom.prompts.ab-tests.t.variants[0].prompt-version=0");
		assertStartupFails("fallom.prompts.ab-tests.t.variants[0].weight",
				"fallom.prompts.ab-tests.t.variants[0].prompt-key=p", "fallom.prompts.ab-tests.t.variants[0].weight=-1");
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
	static class ListenerConfiguration {

		final List<String> told = new CopyOnWriteArrayList<>();

		@Bean
		PromptListener recordingListener() {
			return new PromptListener() {

				@Override
				public void onPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
					ListenerConfiguration.this.told.add("get " + promptKey);
				}

				@Override
				public void onAbTest(String abTestKey, FallomPrompt prompt, boolean fallback) {
					ListenerConfiguration.this.told.add("ab " + abTestKey);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomPromptsConfiguration {

		final FallomPrompts prompts = new FallomPrompts(new PromptRegistry());

		@Bean
		FallomPrompts customPrompts() {
			return this.prompts;
		}

	}

}
