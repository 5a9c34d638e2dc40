package com.fallom.autoconfigure.openai;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.openai.FallomOpenAI;
import com.fallom.test.FallomMockServer;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.opentelemetry.api.trace.TracerProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomOpenAIAutoConfiguration}.
 */
class FallomOpenAIAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomOpenAIAutoConfiguration.class));

	@Test
	void wrapsTheAppsOpenAiClients() {
		this.runner.withUserConfiguration(ClientsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(FallomOpenAI.class);
			assertThat(FallomOpenAI.isWrapped(context.getBean(OpenAIClient.class))).isTrue();
			assertThat(FallomOpenAI.isWrapped(context.getBean(OpenAIClientAsync.class))).isTrue();
		});
	}

	@Test
	void backsOffWithoutTheOpenAiSdk() {
		this.runner.withUserConfiguration(FallomOpenAIOnlyConfiguration.class)
			.withClassLoader(new FilteredClassLoader(OpenAIClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean("fallomOpenAI")
				.doesNotHaveBean("fallomOpenAIClientPostProcessor"));
	}

	@Test
	void backsOffWhenTracingIsOff() {
		this.runner.withUserConfiguration(ClientsConfiguration.class)
			.withPropertyValues("fallom.tracing.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(FallomOpenAI.class);
				assertThat(FallomOpenAI.isWrapped(context.getBean(OpenAIClient.class))).isFalse();
			});
	}

	@Test
	void backsOffWhenFallomIsOff() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomOpenAI.class));
	}

	@Test
	void usersOwnFallomOpenAiWins() {
		this.runner.withUserConfiguration(FallomOpenAIOnlyConfiguration.class)
			.run((context) -> assertThat(context.getBean(FallomOpenAI.class))
				.isSameAs(context.getBean(FallomOpenAIOnlyConfiguration.class).fallomOpenAI));
	}

	@Test
	void anOpenAiClientBeanExportsItsCallsToFallom() {
		try (FallomMockServer fallom = FallomMockServer.start();
				MockProviderServer provider = MockProviderServer.start()) {
			provider.enqueue(ProviderReply.text("Hello").usage(9, 2));
			this.runner.withPropertyValues(fallom.propertyValues())
				.withBean(OpenAIClient.class, () -> OpenAIOkHttpClient.builder()
					.baseUrl(provider.openAiBaseUrl())
					.apiKey("sk-test")
					.maxRetries(0)
					.build())
				.run((context) -> {
					try (FallomTrace.Scope scope = context.getBean(Fallom.class).trace().withSession("support", "s-1")) {
						context.getBean(OpenAIClient.class)
							.chat()
							.completions()
							.create(ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Hi").build());
					}
				});
			assertThat(fallom.traceRecords()).singleElement().satisfies((record) -> {
				assertThat(record.name()).isEqualTo("chat.completions.create");
				assertThat(record.model()).isEqualTo("gpt-4o-mini");
				assertThat(record.tokens("prompt_tokens")).isEqualTo(9);
				assertThat(record.sessionId()).isEqualTo("s-1");
				assertThat(record.attribute("fallom.integration")).isEqualTo("openai");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientsConfiguration {

		@Bean
		OpenAIClient openAIClient() {
			return OpenAIOkHttpClient.builder().apiKey("sk-test").baseUrl("http://127.0.0.1:9/v1").build();
		}

		@Bean
		OpenAIClientAsync openAIClientAsync() {
			return OpenAIOkHttpClientAsync.builder().apiKey("sk-test").baseUrl("http://127.0.0.1:9/v1").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FallomOpenAIOnlyConfiguration {

		final FallomOpenAI fallomOpenAI = new FallomOpenAI(TracerProvider.noop().get("test"), false, null);

		@Bean
		FallomOpenAI ownFallomOpenAI() {
			return this.fallomOpenAI;
		}

	}

}
