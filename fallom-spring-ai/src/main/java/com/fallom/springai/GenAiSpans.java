package com.fallom.springai;

import java.util.List;

import com.fallom.tracing.internal.GenAiAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;
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
	 * Write the prompt messages: roles, text, tool calls and tool results, within the
	 * bounds of the span's content writer. Only call when content capture is on.
	 * @param content the span's content writer
	 * @param messages the prompt messages
	 */
	public static void prompt(GenAiAttributes.Content content, List<Message> messages) {
		int index = 0;
		for (Message message : messages) {
			if (message instanceof ToolResponseMessage toolResponses) {
				for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
					String prefix = content.promptMessage(index, "tool", response.responseData());
					content.promptToolCallId(prefix, response.id());
					index++;
				}
				continue;
			}
			String prefix = content.promptMessage(index, message.getMessageType().getValue(), message.getText());
			if (message instanceof AssistantMessage assistant) {
				toolCalls(content, prefix, assistant);
			}
			index++;
		}
	}

	/**
	 * Write the completions: role, text and tool calls, within the bounds of the span's
	 * content writer. Only call when content capture is on. A streamed call arrives here
	 * already aggregated into one response.
	 * @param content the span's content writer
	 * @param response the response
	 */
	public static void completions(GenAiAttributes.Content content, ChatResponse response) {
		List<Generation> generations = response.getResults();
		for (int i = 0; i < generations.size(); i++) {
			AssistantMessage output = generations.get(i).getOutput();
			if (output == null) {
				continue;
			}
			String prefix = content.completion(i, output.getMessageType().getValue(), output.getText());
			toolCalls(content, prefix, output);
		}
	}

	private static void toolCalls(GenAiAttributes.Content content, @Nullable String prefix, AssistantMessage message) {
		List<AssistantMessage.ToolCall> toolCalls = message.getToolCalls();
		for (int j = 0; j < toolCalls.size(); j++) {
			AssistantMessage.ToolCall toolCall = toolCalls.get(j);
			content.toolCall(prefix, j, toolCall.id(), toolCall.name(), toolCall.arguments());
		}
	}

}
