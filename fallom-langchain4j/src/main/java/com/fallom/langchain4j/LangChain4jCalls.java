package com.fallom.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fallom.internal.BackendJson;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCall.ContentPart;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.ToolSpec;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Describes a LangChain4j chat call in the neutral model the trace records are written
 * from: the request's messages (content parts, tool calls, tool results), offered tools
 * and tool choice, and the response's text, finish reason, id, tool calls and usage.
 * Content only with content capture on; tool calls of the answer always, whose ids (and
 * nothing else) the record's timings carry in privacy mode.
 */
final class LangChain4jCalls {

	private LangChain4jCalls() {
	}

	static TracedCall request(ChatRequest request, boolean captureContent) {
		TracedCall call = new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS)
			.integration("langchain4j")
			.requestModel(request.modelName());
		if (!captureContent) {
			return call;
		}
		for (ChatMessage message : request.messages()) {
			message(call, message);
		}
		List<ToolSpecification> tools = request.toolSpecifications();
		if (tools != null) {
			for (ToolSpecification tool : tools) {
				call.tool(new ToolSpec(tool.name(), tool.description(), (tool.parameters() != null)
						? BackendJson.mapper().writeValueAsString(JsonSchemaElementUtils.toMap(tool.parameters())) : null));
			}
		}
		if (request.toolChoice() != null) {
			call.toolChoice(request.toolChoice().name().toLowerCase(Locale.ROOT));
		}
		return call;
	}

	private static void message(TracedCall call, ChatMessage message) {
		if (message instanceof SystemMessage system) {
			call.message(TracedCall.Message.of("system", system.text()));
		}
		else if (message instanceof UserMessage user) {
			List<Content> contents = user.contents();
			if (contents.size() == 1 && contents.get(0) instanceof TextContent text) {
				call.message(TracedCall.Message.of("user", text.text()));
				return;
			}
			List<ContentPart> parts = new ArrayList<>();
			for (Content content : contents) {
				if (content instanceof TextContent text) {
					parts.add(ContentPart.text(text.text()));
				}
				else if (content instanceof ImageContent image) {
					parts.add(ContentPart.image(url(image.image()),
							(image.detailLevel() != null) ? image.detailLevel().name().toLowerCase(Locale.ROOT) : null));
				}
			}
			call.message(new TracedCall.Message("user", null, parts, List.of(), null));
		}
		else if (message instanceof AiMessage ai) {
			List<ToolCall> toolCalls = new ArrayList<>();
			if (ai.hasToolExecutionRequests()) {
				for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
					toolCalls.add(new ToolCall(request.id(), request.name(), request.arguments()));
				}
			}
			call.message(new TracedCall.Message("assistant", ai.text(), null, toolCalls, null));
		}
		else if (message instanceof ToolExecutionResultMessage result) {
			call.message(new TracedCall.Message("tool", result.text(), null, List.of(), result.id()));
		}
		else {
			call.message(TracedCall.Message.of(message.type().name().toLowerCase(Locale.ROOT), null));
		}
	}

	/**
	 * The image as Chat Completions sends it: its URL, or its bytes as a data URL.
	 */
	private static String url(Image image) {
		if (image.url() != null) {
			return image.url().toString();
		}
		return "data:" + image.mimeType() + ";base64," + image.base64Data();
	}

	static void response(TracedCall call, @Nullable ChatResponse response, boolean captureContent) {
		if (response == null) {
			return;
		}
		AiMessage message = response.aiMessage();
		if (message != null && message.hasToolExecutionRequests()) {
			for (ToolExecutionRequest request : message.toolExecutionRequests()) {
				call.responseToolCall(new ToolCall(request.id(), request.name(),
						captureContent ? request.arguments() : null));
			}
		}
		call.response(response.modelName(), (captureContent && message != null) ? message.text() : null,
				(response.finishReason() != null) ? FallomChatModelListener.finishReason(response.finishReason()) : null,
				response.id());
		TokenUsage usage = response.tokenUsage();
		if (usage != null) {
			call.usage(new TracedCall.Usage(usage.inputTokenCount(), usage.outputTokenCount(), usage.totalTokenCount()));
		}
	}

}
