package com.fallom.springai;

import java.util.List;

import com.fallom.tracing.internal.GenAiAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * Writes Spring AI's messages, completions and usage as the GenAI attributes of
 * {@link GenAiAttributes}, the names and writers every integration shares, so that a chat
 * span looks the same whichever library made the call. Internal API.
 */
public final class GenAiSpans {

	/** The customer the call was made for. */
	public static final AttributeKey<String> CUSTOMER_ID = AttributeKey.stringKey(CallMetadata.CUSTOMER_ID);

	/** The name of this integration in a trace record's {@code fallom.integration}. */
	public static final String INTEGRATION = "spring-ai";

	private GenAiSpans() {
	}

	/**
	 * Write the provider's id of the response and why the model stopped; not content, so
	 * in privacy mode too.
	 * @param span the span
	 * @param response the response
	 */
	public static void responseIdAndFinishReason(Span span, ChatResponse response) {
		String id = response.getMetadata().getId();
		if (id != null && !id.isEmpty()) {
			span.setAttribute(GenAiAttributes.RESPONSE_ID, id);
		}
		Generation result = response.getResult();
		String finishReason = (result != null) ? result.getMetadata().getFinishReason() : null;
		if (finishReason != null && !finishReason.isEmpty()) {
			span.setAttribute(GenAiAttributes.FINISH_REASONS, List.of(finishReason));
		}
	}

	/**
	 * Write the token counts under both the current and the older names.
	 * @param span the span
	 * @param usage the usage, or {@code null}
	 */
	public static void usage(Span span, Usage usage) {
		if (usage == null || usage instanceof EmptyUsage) {
			return;
		}
		GenAiAttributes.usage(span, usage.getPromptTokens(), usage.getCompletionTokens());
	}

	/**
	 * Write the prompt messages: roles, text, tool calls and tool results. Only call
	 * when content capture is on.
	 * @param span the span
	 * @param messages the prompt messages
	 */
	public static void prompt(Span span, List<Message> messages) {
		int index = 0;
		for (Message message : messages) {
			if (message instanceof ToolResponseMessage toolResponses) {
				for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
					GenAiAttributes.promptMessage(span, index, "tool", response.responseData());
					GenAiAttributes.promptToolCallId(span, index, response.id());
					index++;
				}
				continue;
			}
			String prefix = GenAiAttributes.promptMessage(span, index, message.getMessageType().getValue(),
					message.getText());
			if (message instanceof AssistantMessage assistant) {
				toolCalls(span, prefix, assistant);
			}
			index++;
		}
	}

	/**
	 * Write the completions: role, text and tool calls. Only call when content capture is
	 * on. A streamed call arrives here already aggregated into one response.
	 * @param span the span
	 * @param response the response
	 */
	public static void completions(Span span, ChatResponse response) {
		List<Generation> generations = response.getResults();
		for (int i = 0; i < generations.size(); i++) {
			AssistantMessage output = generations.get(i).getOutput();
			if (output == null) {
				continue;
			}
			String prefix = GenAiAttributes.completion(span, i, output.getMessageType().getValue(), output.getText());
			toolCalls(span, prefix, output);
		}
	}

	private static void toolCalls(Span span, String prefix, AssistantMessage message) {
		List<AssistantMessage.ToolCall> toolCalls = message.getToolCalls();
		for (int j = 0; j < toolCalls.size(); j++) {
			AssistantMessage.ToolCall toolCall = toolCalls.get(j);
			GenAiAttributes.toolCall(span, prefix, j, toolCall.id(), toolCall.name(), toolCall.arguments());
		}
	}

}
