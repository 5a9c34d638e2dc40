package com.fallom.springai;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCall.ContentPart;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.ToolSpec;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Describes a Spring AI chat call in the neutral model the trace records are written
 * from: the request's messages (content parts, tool calls, tool results) and offered
 * tools, and the response's text, finish reason, id, tool calls and usage. Content only
 * with content capture on; tool calls of the answer always, whose ids (and nothing else)
 * the record's timings carry in privacy mode.
 */
final class SpringAiCalls {

	private SpringAiCalls() {
	}

	static TracedCall request(Prompt prompt, boolean captureContent) {
		TracedCall call = new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS)
			.integration(GenAiSpans.INTEGRATION);
		ChatOptions options = prompt.getOptions();
		if (options != null) {
			call.requestModel(options.getModel());
		}
		if (!captureContent) {
			return call;
		}
		for (Message message : prompt.getInstructions()) {
			message(call, message);
		}
		List<ToolCallback> tools = (options instanceof ToolCallingChatOptions toolOptions)
				? toolOptions.getToolCallbacks() : null;
		if (tools != null) {
			for (ToolCallback tool : tools) {
				ToolDefinition definition = tool.getToolDefinition();
				call.tool(new ToolSpec(definition.name(), definition.description(), definition.inputSchema()));
			}
		}
		return call;
	}

	private static void message(TracedCall call, Message message) {
		if (message instanceof ToolResponseMessage toolResponses) {
			// Chat Completions has one tool message per result
			for (ToolResponseMessage.ToolResponse response : toolResponses.getResponses()) {
				call.message(new TracedCall.Message("tool", response.responseData(), null, List.of(), response.id()));
			}
			return;
		}
		String role = message.getMessageType().getValue();
		if (message instanceof AssistantMessage assistant && assistant.hasToolCalls()) {
			List<ToolCall> toolCalls = new ArrayList<>();
			for (AssistantMessage.ToolCall toolCall : assistant.getToolCalls()) {
				toolCalls.add(new ToolCall(toolCall.id(), toolCall.name(), toolCall.arguments()));
			}
			String text = assistant.getText();
			call.message(new TracedCall.Message(role, (text == null || text.isEmpty()) ? null : text, null, toolCalls,
					null));
			return;
		}
		if (message instanceof UserMessage user && !user.getMedia().isEmpty()) {
			List<ContentPart> parts = new ArrayList<>();
			String text = user.getText();
			if (text != null && !text.isEmpty()) {
				parts.add(ContentPart.text(text));
			}
			for (Media media : user.getMedia()) {
				parts.add(ContentPart.image(url(media), null));
			}
			call.message(new TracedCall.Message(role, null, parts, List.of(), null));
			return;
		}
		call.message(TracedCall.Message.of(role, message.getText()));
	}

	/**
	 * The media as Chat Completions sends it: its URL, or its bytes as a data URL.
	 */
	private static String url(Media media) {
		Object data = media.getData();
		if (data instanceof URI || data instanceof URL) {
			return data.toString();
		}
		if (data instanceof String text) {
			return text;
		}
		return "data:" + media.getMimeType() + ";base64," + Base64.getEncoder().encodeToString(media.getDataAsByteArray());
	}

	static void response(TracedCall call, ChatResponse response, boolean captureContent) {
		Generation result = response.getResult();
		AssistantMessage output = (result != null) ? result.getOutput() : null;
		String finishReason = (result != null) ? result.getMetadata().getFinishReason() : null;
		String text = null;
		if (output != null) {
			text = output.getText();
			for (AssistantMessage.ToolCall toolCall : output.getToolCalls()) {
				call.responseToolCall(new ToolCall(toolCall.id(), toolCall.name(),
						captureContent ? toolCall.arguments() : null));
			}
			if (text != null && text.isEmpty() && output.hasToolCalls()) {
				// A tool-calling answer has no text, as the provider said
				text = null;
			}
		}
		String id = response.getMetadata().getId();
		String model = response.getMetadata().getModel();
		// Chat Completions names finish reasons in lower case (stop, length, tool_calls)
		call.response((model == null || model.isEmpty()) ? null : model, captureContent ? text : null,
				(finishReason == null || finishReason.isEmpty()) ? null : finishReason.toLowerCase(Locale.ROOT),
				(id == null || id.isEmpty()) ? null : id);
		usage(call, response.getMetadata().getUsage());
	}

	private static void usage(TracedCall call, @Nullable Usage usage) {
		if (usage == null || usage instanceof EmptyUsage) {
			return;
		}
		call.usage(new TracedCall.Usage(usage.getPromptTokens(), usage.getCompletionTokens(), usage.getTotalTokens()));
	}

}
