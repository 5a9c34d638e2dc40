package com.fallom.sample.chat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalChatModel}.
 */
class LocalChatModelTests {

	private final List<ChatModelObservationContext> stopped = new CopyOnWriteArrayList<>();

	private LocalChatModel model;

	@BeforeEach
	void setUp() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<ChatModelObservationContext>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof ChatModelObservationContext;
			}

			@Override
			public void onStop(ChatModelObservationContext context) {
				LocalChatModelTests.this.stopped.add(context);
			}

		});
		this.model = new LocalChatModel(registry, "local-model");
	}

	@Test
	void callAnswersDeterministicallyWithTheRequestedModelAndIsObservedLikeAProvider() {
		Prompt prompt = new Prompt("Where is my refund?", ChatOptions.builder().model("gpt-4o").build());
		ChatResponse first = this.model.call(prompt);
		ChatResponse second = this.model.call(prompt);

		assertThat(first.getResult().getOutput().getText()).startsWith("[gpt-4o] ")
			.contains("Where is my refund?")
			.isEqualTo(second.getResult().getOutput().getText());
		assertThat(first.getMetadata().getModel()).isEqualTo("gpt-4o");
		assertThat(first.getMetadata().getUsage().getPromptTokens()).isEqualTo(4);
		assertThat(first.getMetadata().getUsage().getCompletionTokens()).isPositive();
		assertThat(this.stopped).hasSize(2);
		ChatModelObservationContext context = this.stopped.get(0);
		assertThat(context.getOperationMetadata().provider()).isEqualTo(LocalChatModel.PROVIDER);
		assertThat(context.getRequest().getOptions().getModel()).isEqualTo("gpt-4o");
		assertThat(context.getResponse()).isSameAs(first);
		assertThat(context.isStreaming()).isFalse();
	}

	@Test
	void usesTheDefaultModelWhenThePromptNamesNone() {
		assertThat(this.model.call(new Prompt("Hello")).getMetadata().getModel()).isEqualTo("local-model");
	}

	@Test
	void streamSendsWordChunksAndOneObservationWithTheAggregatedResponse() {
		Prompt prompt = new Prompt("The app crashes", ChatOptions.builder().model("claude-3-5-sonnet").build());
		String called = this.model.call(prompt).getResult().getOutput().getText();
		this.stopped.clear();

		List<ChatResponse> chunks = this.model.stream(prompt).collectList().block();

		assertThat(chunks).hasSizeGreaterThan(1);
		assertThat(String.join("", chunks.stream().map((chunk) -> chunk.getResult().getOutput().getText()).toList()))
			.isEqualTo(called);
		assertThat(this.stopped).singleElement().satisfies((context) -> {
			assertThat(context.isStreaming()).isTrue();
			assertThat(context.getResponse().getMetadata().getModel()).isEqualTo("claude-3-5-sonnet");
			assertThat(context.getResponse().getMetadata().getUsage().getTotalTokens()).isPositive();
		});
	}

}
