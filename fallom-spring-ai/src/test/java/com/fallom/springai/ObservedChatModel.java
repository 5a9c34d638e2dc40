package com.fallom.springai;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.MessageAggregator;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * A {@link ChatModel} that instruments itself as Spring AI's provider models do
 * ({@code OpenAiChatModel}): an observation around each call and, for streams, one
 * started on subscription, stopped in {@code doFinally} after {@link MessageAggregator}
 * has set the aggregated response. Answers with a fixed completion and usage, or fails.
 */
public class ObservedChatModel implements ChatModel {

	/** The provider it reports. */
	public static final String PROVIDER = "openai";

	/** The model it reports as having answered. */
	public static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";

	/** The provider's id of every response. */
	public static final String RESPONSE_ID = "chatcmpl-observed";

	/** Input tokens it reports. */
	public static final int PROMPT_TOKENS = 12;

	/** Output tokens it reports. */
	public static final int COMPLETION_TOKENS = 34;

	private static final ChatModelObservationConvention CONVENTION = new DefaultChatModelObservationConvention();

	private final ObservationRegistry observationRegistry;

	private volatile String completion = "Hello from the model";

	private volatile List<AssistantMessage.ToolCall> toolCalls = List.of();

	private volatile RuntimeException failure;

	public ObservedChatModel(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Answer with this text from now on.
	 * @param completion the completion text
	 * @return this model
	 */
	public ObservedChatModel answering(String completion) {
		this.completion = completion;
		return this;
	}

	/**
	 * Answer with these tool calls as well.
	 * @param toolCalls the tool calls
	 * @return this model
	 */
	public ObservedChatModel callingTools(List<AssistantMessage.ToolCall> toolCalls) {
		this.toolCalls = toolCalls;
		return this;
	}

	/**
	 * Fail every call with this exception from now on, or answer again with {@code null}.
	 * @param failure the exception
	 * @return this model
	 */
	public ObservedChatModel failingWith(RuntimeException failure) {
		this.failure = failure;
		return this;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		ChatModelObservationContext context = ChatModelObservationContext.builder()
			.prompt(prompt)
			.provider(PROVIDER)
			.build();
		return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
			.observation(null, CONVENTION, () -> context, this.observationRegistry)
			.observe(() -> {
				RuntimeException failure = this.failure;
				if (failure != null) {
					throw failure;
				}
				ChatResponse response = response(this.completion, this.toolCalls, PROMPT_TOKENS, COMPLETION_TOKENS);
				context.setResponse(response);
				return response;
			});
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.deferContextual((contextView) -> {
			ChatModelObservationContext context = ChatModelObservationContext.builder()
				.prompt(prompt)
				.provider(PROVIDER)
				.streaming(true)
				.build();
			Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(null,
					CONVENTION, () -> context, this.observationRegistry);
			observation.parentObservation(contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null)).start();
			RuntimeException failure = this.failure;
			Flux<ChatResponse> chunks = (failure != null) ? Flux.error(failure) : Flux.fromIterable(chunks())
				// Chunks arrive on another thread, as from an HTTP client.
				.publishOn(Schedulers.boundedElastic());
			Flux<ChatResponse> observed = chunks.doOnError(observation::error)
				.doFinally((signal) -> observation.stop())
				.contextWrite((reactorContext) -> reactorContext.put(ObservationThreadLocalAccessor.KEY, observation));
			return new MessageAggregator().aggregate(observed, context::setResponse);
		});
	}

	private List<ChatResponse> chunks() {
		String text = this.completion;
		List<ChatResponse> chunks = new ArrayList<>();
		int third = Math.max(1, text.length() / 3);
		for (int start = 0; start < text.length(); start += third) {
			String piece = text.substring(start, Math.min(text.length(), start + third));
			chunks.add(response(piece, List.of(), 0, 0));
		}
		// Providers report usage on the last chunk.
		chunks.add(response("", this.toolCalls, PROMPT_TOKENS, COMPLETION_TOKENS));
		return chunks;
	}

	private static ChatResponse response(String text, List<AssistantMessage.ToolCall> toolCalls, int promptTokens,
			int completionTokens) {
		AssistantMessage message = AssistantMessage.builder().content(text).toolCalls(toolCalls).build();
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id(RESPONSE_ID)
			.model(RESPONSE_MODEL)
			.usage(new DefaultUsage(promptTokens, completionTokens))
			.build();
		return new ChatResponse(List.of(new Generation(message,
				ChatGenerationMetadata.builder().finishReason(toolCalls.isEmpty() ? "STOP" : "TOOL_CALLS").build())),
				metadata);
	}

	@Override
	public ChatOptions getOptions() {
		return ChatOptions.builder().model("gpt-4o").build();
	}

}
