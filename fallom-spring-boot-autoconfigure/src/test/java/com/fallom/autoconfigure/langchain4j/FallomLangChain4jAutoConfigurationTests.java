package com.fallom.autoconfigure.langchain4j;

import java.util.List;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.langchain4j.FallomChatModelListener;
import com.fallom.langchain4j.FallomToolExecutionListener;
import com.fallom.test.FallomMockServer;
import com.fallom.test.provider.MockProviderServer;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.tool.ToolExecution;
import io.opentelemetry.api.trace.TracerProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomLangChain4jAutoConfiguration}.
 */
class FallomLangChain4jAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomLangChain4jAutoConfiguration.class));

	@Test
	void registersTheChatModelListenerAndTheToolExecutionListener() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(FallomChatModelListener.class)
			.hasSingleBean(ChatModelListener.class)
			.hasSingleBean(FallomToolExecutionListener.class));
	}

	@Test
	void backsOffWithoutLangChain4j() {
		this.runner.withClassLoader(new FilteredClassLoader(ChatModelListener.class))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomChatModelListener.class)
				.doesNotHaveBean(FallomToolExecutionListener.class));
	}

	@Test
	void registersNoToolExecutionListenerWithoutAiServices() {
		this.runner.withClassLoader(new FilteredClassLoader(ToolExecution.class))
			.run((context) -> assertThat(context).hasSingleBean(FallomChatModelListener.class)
				.doesNotHaveBean(FallomToolExecutionListener.class));
	}

	@Test
	void backsOffWhenTracingIsOff() {
		this.runner.withPropertyValues("fallom.tracing.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomChatModelListener.class)
				.doesNotHaveBean(FallomToolExecutionListener.class));
	}

	@Test
	void backsOffWhenFallomIsOff() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomChatModelListener.class));
	}

	@Test
	void usersOwnListenerWins() {
		this.runner.withUserConfiguration(OwnListenerConfiguration.class)
			.run((context) -> assertThat(context.getBean(FallomChatModelListener.class))
				.isSameAs(context.getBean(OwnListenerConfiguration.class).listener));
	}

	@Test
	void listenerBeanOnALangChain4jModelExportsItsCallsToFallom() {
		try (FallomMockServer fallom = FallomMockServer.start();
				MockProviderServer provider = MockProviderServer.start()) {
			provider.enqueue(ProviderReply.text("Hello").usage(9, 2));
			this.runner.withPropertyValues(fallom.propertyValues()).run((context) -> {
				// What LangChain4j's Spring Boot starters do with ChatModelListener beans
				ChatModel model = OpenAiChatModel.builder()
					.baseUrl(provider.openAiBaseUrl())
					.apiKey("sk-test")
					.modelName("gpt-4o-mini")
					.listeners(context.getBeanProvider(ChatModelListener.class).orderedStream().toList())
					.build();
				try (FallomTrace.Scope scope = context.getBean(Fallom.class).trace().withSession("support", "s-1")) {
					model.chat("Hi");
				}
			});
			assertThat(fallom.traceRecords()).singleElement().satisfies((record) -> {
				assertThat(record.kind()).isEqualTo("llm");
				assertThat(record.name()).isEqualTo("chat.completions.create");
				assertThat(record.model()).startsWith("gpt-4o-mini");
				assertThat(record.tokens("prompt_tokens")).isEqualTo(9);
				assertThat(record.sessionId()).isEqualTo("s-1");
				assertThat(record.attribute("fallom.integration")).isEqualTo("langchain4j");
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnListenerConfiguration {

		final FallomChatModelListener listener = new FallomChatModelListener(
				TracerProvider.noop().get("test"), false);

		@Bean
		FallomChatModelListener ownListener() {
			return this.listener;
		}

	}

}
