package com.fallom.sample.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
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
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.StringUtils;

/**
 * A deterministic chat model that runs in-process: it answers with a canned support reply
 * that names the model it was asked for, so the sample needs no API key and no network.
 * <p>
 * It is instrumented exactly like Spring AI's provider models (OpenAI, Anthropic, Ollama
 * and the rest): every call and stream is a {@code gen_ai.client.operation} observation
 * with a {@link ChatModelObservationContext}, and the response carries the model and the
 * token usage. Fallom's tracing therefore sees it as it would see any provider. Offered
 * the {@value #ORDER_STATUS_TOOL} tool and asked about "order 4711", it asks for that tool
 * and answers from its result, as a provider model does.
 */
public class LocalChatModel implements ChatModel {

	/**
	 * The provider name in observations and spans ({@code gen_ai.system}).
	 */
	public static final String PROVIDER = "local";

	private static final ChatModelObservationConvention DEFAULT_CONVENTION = new DefaultChatModelObservationConvention();

	private static final String[] ADVICE = { "try signing out and back in, which refreshes your session",
			"check the status page: a fix for this is rolling out", "clear the app's cache, then retry",
			"I have escalated this to a specialist who will email you within a day" };

	/**
	 * The tool the model asks to run when a question names an order number.
	 */
	public static final String ORDER_STATUS_TOOL = "orderStatus";

	private static final Pattern ORDER = Pattern.compile("order\\s+#?(\\d+)", Pattern.CASE_INSENSITIVE);

	private final ObservationRegistry observationRegistry;

	private final String defaultModel;

	/**
	 * Create a model.
	 * @param observationRegistry the registry that calls are observed with
	 * @param defaultModel the model name used when a prompt names none
	 */
	public LocalChatModel(ObservationRegistry observationRegistry, String defaultModel) {
		this.observationRegistry = observationRegistry;
		this.defaultModel = defaultModel;
	}

	@Override
	public ChatResponse call(Prompt prompt) {
		ChatModelObservationContext context = ChatModelObservationContext.builder()
			.prompt(prompt)
			.provider(PROVIDER)
			.build();
		return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
			.observation(null, DEFAULT_CONVENTION, () -> context, this.observationRegistry)
			.observe(() -> {
				ChatResponse response = answer(prompt);
				context.setResponse(response);
				return response;
			});
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		// As Spring AI's providers do: one observation for the whole stream, parented to the
		// caller's, stopped when the stream ends, with the aggregated response
		return Flux.deferContextual((contextView) -> {
			ChatModelObservationContext context = ChatModelObservationContext.builder()
				.prompt(prompt)
				.provider(PROVIDER)
				.streaming(true)
				.build();
			Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(null,
					DEFAULT_CONVENTION, () -> context, this.observationRegistry);
			observation.parentObservation(contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null)).start();
			Flux<ChatResponse> chunks = Flux.fromIterable(chunks(answer(prompt)))
				.doOnError(observation::error)
				.doFinally((signal) -> observation.stop())
				.contextWrite((ctx) -> ctx.put(ObservationThreadLocalAccessor.KEY, observation));
			return new MessageAggregator().aggregate(chunks, context::setResponse);
		});
	}

	@Override
	public ChatOptions getOptions() {
		// Tool-calling options, as a provider model's are, so that ChatClient can pass tools
		return ToolCallingChatOptions.builder().model(this.defaultModel).build();
	}

	private ChatResponse answer(Prompt prompt) {
		String model = modelOf(prompt);
		String question = (prompt.getUserMessage() != null) ? prompt.getUserMessage().getText() : "";
		List<Message> messages = prompt.getInstructions();
		Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
		Matcher order = ORDER.matcher(question);
		AssistantMessage output;
		if (last instanceof ToolResponseMessage toolResults) {
			// The second round of a tool call: answer from what the tool returned
			// A String result arrives as a JSON string
			String result = toolResults.getResponses().get(0).responseData().replaceAll("^\"|\"$", "");
			output = new AssistantMessage("[" + model + "] " + result);
		}
		else if (order.find() && offersTool(prompt, ORDER_STATUS_TOOL)) {
			// As a provider model would: ask the caller to run the tool, ChatClient runs it
			output = AssistantMessage.builder()
				.content("")
				.toolCalls(List.of(new AssistantMessage.ToolCall("call-" + order.group(1), "function",
						ORDER_STATUS_TOOL, "{\"orderId\":\"" + order.group(1) + "\"}")))
				.build();
		}
		else {
			output = new AssistantMessage("[" + model + "] Thanks for reaching out about \"" + abbreviate(question)
					+ "\": " + ADVICE[Math.floorMod(question.hashCode(), ADVICE.length)] + ".");
		}
		String reply = output.getText();
		int promptTokens = 0;
		for (Message message : prompt.getInstructions()) {
			promptTokens += tokens(message.getText());
		}
		int completionTokens = tokens(reply);
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.id("local-" + Integer.toHexString((model + question).hashCode()))
			.model(model)
			.usage(new DefaultUsage(promptTokens, completionTokens))
			.build();
		Generation generation = new Generation(output, ChatGenerationMetadata.builder()
			.finishReason(output.hasToolCalls() ? "TOOL_CALLS" : "STOP")
			.build());
		return new ChatResponse(List.of(generation), metadata);
	}

	private static boolean offersTool(Prompt prompt, String name) {
		if (prompt.getOptions() instanceof ToolCallingChatOptions options) {
			for (ToolCallback callback : options.getToolCallbacks()) {
				if (name.equals(callback.getToolDefinition().name())) {
					return true;
				}
			}
		}
		return false;
	}

	private String modelOf(Prompt prompt) {
		ChatOptions options = prompt.getOptions();
		if (options != null && StringUtils.hasText(options.getModel())) {
			return options.getModel();
		}
		return this.defaultModel;
	}

	/**
	 * Split a response into word chunks; the last carries the metadata, as providers send
	 * usage with the final chunk.
	 */
	private static List<ChatResponse> chunks(ChatResponse response) {
		if (response.hasToolCalls()) {
			return List.of(response);
		}
		String[] words = response.getResult().getOutput().getText().split("(?<= )");
		List<ChatResponse> chunks = new ArrayList<>();
		for (int i = 0; i < words.length; i++) {
			boolean last = i == words.length - 1;
			Generation generation = new Generation(new AssistantMessage(words[i]),
					last ? response.getResult().getMetadata() : ChatGenerationMetadata.NULL);
			chunks.add(last ? new ChatResponse(List.of(generation), response.getMetadata())
					: new ChatResponse(List.of(generation)));
		}
		return chunks;
	}

	private static int tokens(String text) {
		return StringUtils.hasText(text) ? text.trim().split("\\s+").length : 0;
	}

	private static String abbreviate(String text) {
		String flat = text.strip().replaceAll("\\s+", " ");
		return (flat.length() <= 60) ? flat : flat.substring(0, 57) + "...";
	}

}
