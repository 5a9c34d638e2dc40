package com.fallom.autoconfigure.anthropic;

import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync;
import com.anthropic.models.messages.MessageCreateParams;
import com.fallom.Fallom;
import com.fallom.anthropic.FallomAnthropic;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.test.FallomMockServer;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import io.opentelemetry.api.trace.TracerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomAnthropicAutoConfiguration}: the app's own Anthropic client
 * beans, traced over real HTTP against the mock provider and the mock Fallom backend.
 */
class FallomAnthropicAutoConfigurationTests {

	private static FallomMockServer fallom;

	private static MockProviderServer provider;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomAnthropicAutoConfiguration.class))
		.withUserConfiguration(ClientsConfiguration.class);

	@BeforeAll
	static void start() {
		fallom = FallomMockServer.start();
		provider = MockProviderServer.start();
		Map<String, Integer> split = new LinkedHashMap<>();
		split.put("claude-haiku-4-5", 50);
		split.put("claude-opus-4-1", 50);
		fallom.putConfig("support", 1, split);
	}

	@AfterAll
	static void stop() {
		fallom.close();
		provider.close();
	}

	@BeforeEach
	void reset() {
		fallom.reset();
		provider.reset();
	}

	@Test
	void tracesTheCallsOfTheAppsClientBeans() {
		this.runner.withPropertyValues(fallom.propertyValues()).run((context) -> {
			assertThat(context).hasSingleBean(FallomAnthropic.class);
			try (FallomTrace.Scope scope = context.getBean(Fallom.class).trace().withSession("support", "s-1")) {
				context.getBean(AnthropicClient.class).messages().create(params());
				context.getBean(AnthropicClientAsync.class).messages().create(params()).join();
			}
		});
		assertThat(fallom.traceRecords()).hasSize(2).allSatisfy((record) -> {
			assertThat(record.name()).isEqualTo("messages.create");
			assertThat(record.sessionId()).isEqualTo("s-1");
			assertThat(record.model()).isEqualTo("claude-sonnet-4-5");
		});
	}

	@Test
	void routesModelsWhenAskedTo() {
		this.runner.withPropertyValues(fallom.propertyValues())
			.withPropertyValues("fallom.anthropic.route-models=true")
			.run((context) -> {
				Fallom engine = context.getBean(Fallom.class);
				try (FallomTrace.Scope scope = engine.trace().withSession("support", "s-7")) {
					context.getBean(AnthropicClient.class).messages().create(params());
				}
				assertThat(provider.lastRequest().model()).isEqualTo(engine.models().get("support", "s-7"));
			});
	}

	@Test
	void leavesClientsAloneWithoutFallomAnthropic() {
		this.runner.withClassLoader(new FilteredClassLoader(FallomAnthropic.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAnthropic.class)
				.getBean(AnthropicClient.class)
				.satisfies((client) -> assertThat(Proxy.isProxyClass(client.getClass())).isFalse()));
	}

	@Test
	void leavesClientsAloneWhenTurnedOff() {
		this.runner.withPropertyValues("fallom.anthropic.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAnthropic.class)
				.getBean(AnthropicClient.class)
				.satisfies((client) -> assertThat(Proxy.isProxyClass(client.getClass())).isFalse()));
	}

	@Test
	void leavesClientsAloneWhenTracingIsOff() {
		this.runner.withPropertyValues("fallom.tracing.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAnthropic.class));
	}

	@Test
	void usersOwnFallomAnthropicWins() {
		this.runner.withUserConfiguration(OwnFallomAnthropicConfiguration.class)
			.run((context) -> assertThat(context.getBean(FallomAnthropic.class))
				.isSameAs(context.getBean(OwnFallomAnthropicConfiguration.class).anthropic));
	}

	private static MessageCreateParams params() {
		return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64).addUserMessage("Hi").build();
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientsConfiguration {

		@Bean
		AnthropicClient anthropicClient() {
			return AnthropicOkHttpClient.builder().baseUrl(provider.anthropicBaseUrl()).apiKey("sk-ant-test").build();
		}

		@Bean
		AnthropicClientAsync anthropicClientAsync() {
			return AnthropicOkHttpClientAsync.builder()
				.baseUrl(provider.anthropicBaseUrl())
				.apiKey("sk-ant-test")
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFallomAnthropicConfiguration {

		final FallomAnthropic anthropic = new FallomAnthropic(TracerProvider.noop().get("test"), false, null, null);

		@Bean
		FallomAnthropic ownFallomAnthropic() {
			return this.anthropic;
		}

	}

}
