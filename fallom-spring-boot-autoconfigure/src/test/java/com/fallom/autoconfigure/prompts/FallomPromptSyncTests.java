package com.fallom.autoconfigure.prompts;

import java.util.Map;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptFallback;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the starter syncs prompts ({@code fallom.prompts.sync}): only in apps that use
 * them, unless told {@code always}.
 */
class FallomPromptSyncTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomPromptsAutoConfiguration.class));

	private FallomMockServer server;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.server.putConfig("support", 1, Map.of("gpt-4o", 100));
		this.server.putPrompt("greeting", 2, "Be kind.", "Hello {{ name }}");
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private ApplicationContextRunner online() {
		return this.runner.withPropertyValues("fallom.api-key=" + this.server.apiKey(),
				"fallom.base-url=" + this.server.baseUrl());
	}

	@Test
	void appThatUsesNoPromptsSyncsNone() {
		online().run((context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			assertThat(fallom.isRunning()).isTrue();
			assertThat(fallom.configRefresher().getStatus().successes()).isOne();
			assertThat(fallom.promptRefresher().isRunning()).isFalse();
			assertThat(this.server.requestCount(Endpoint.PROMPTS)).isZero();
			assertThat(this.server.requestCount(Endpoint.PROMPT_AB_TESTS)).isZero();
		});
	}

	@Test
	void firstPromptLookupStartsPromptSync() {
		online().run((context) -> {
			FallomPrompts prompts = context.getBean(FallomPrompts.class);
			PromptFallback fallback = PromptFallback.of("fallback", "fallback");
			assertThat(prompts.get("greeting", Map.of("name", "Ada"), fallback).user()).isEqualTo("fallback");
			await().untilAsserted(() -> assertThat(prompts.get("greeting", Map.of("name", "Ada"), fallback).user())
				.isEqualTo("Hello Ada"));
			assertThat(this.server.requestCount(Endpoint.PROMPT_AB_TESTS)).isPositive();
		});
	}

	@Test
	void appBeanGivenThePromptsSyncsThemBeforeTheContextHasStarted() {
		online().withUserConfiguration(PromptUser.class).run((context) -> {
			assertThat(context.getBean(PromptUser.class).greet("Ada")).isEqualTo("Hello Ada");
			assertThat(context.getBean(Fallom.class).promptRefresher().isRunning()).isTrue();
		});
	}

	@Test
	void alwaysSyncsPromptsInAnAppThatUsesNone() {
		online().withPropertyValues("fallom.prompts.sync=always").run((context) -> {
			assertThat(this.server.requestCount(Endpoint.PROMPTS)).isOne();
			assertThat(context.getBean(Fallom.class).promptRefresher().isRunning()).isTrue();
		});
	}

	@Test
	void falseStillTurnsPromptSyncOff() {
		online().withPropertyValues("fallom.prompts.sync=false").run((context) -> {
			assertThat(context.getBean(Fallom.class).promptRefresher()).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class PromptUser {

		private final FallomPrompts prompts;

		PromptUser(FallomPrompts prompts) {
			this.prompts = prompts;
		}

		String greet(String name) {
			return this.prompts.get("greeting", Map.of("name", name)).user();
		}

		@Bean
		String promptUserMarker() {
			return "uses prompts";
		}

	}

}
