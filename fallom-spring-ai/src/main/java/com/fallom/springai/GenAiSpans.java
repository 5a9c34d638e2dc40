package com.fallom.springai;

import java.util.List;

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
 * Writes the GenAI attributes the Fallom backend reads, the names OpenLLMetry
 * instrumentations emit. Internal API.
 */
public final class GenAiSpans {

	/** The provider, e.g. {@code openai}. */
	public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

	/** The model asked for. */
	public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");

	/** The model that answered. */
	public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");

	/** Input tokens, current semantic conventions. */
	public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");

	/** Output tokens, current semantic conventions. */
	public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

	/** Input tokens, the older name the backend reads. */
	public static final AttributeKey<Long> PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.prompt_tokens");

	/** Output tokens, the older name the backend reads. */
	public static final AttributeKey<Long> COMPLETION_TOKENS = AttributeKey.longKey("gen_ai.usage.completion_tokens");

	/** Whether the call was streamed. */
	public static final AttributeKey<Boolean> STREAMING = AttributeKey.booleanKey("gen_ai.request.stream");

	/** Whether the call was streamed, the name the Fallom backend reads. */
	public static final AttributeKey<Boolean> IS_STREAMING = AttributeKey.booleanKey("fallom.is_streaming");

	/** Milliseconds from the start of a streamed call to the first chunk its caller received. */
	public static final AttributeKey<Long> TIME_TO_FIRST_TOKEN_MS = AttributeKey
		.longKey("fallom.time_to_first_token_ms");

	/** Whether the caller cancelled a streamed call before its end. */
	public static final AttributeKey<Boolean> CANCELLED = AttributeKey.booleanKey("fallom.cancelled");

	/** The customer the call was made for. */
	public static final AttributeKey<String> CUSTOMER_ID = AttributeKey.stringKey(CallMetadata.CUSTOMER_ID);

	/** The operation, e.g. {@code chat} or {@code execute_tool}. */
	public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");

	/** The name of an executed tool. */
	public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");

	/** The id of the tool call the model made. */
	public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");

	/** The kind of tool, e.g. {@code function}. */
	public static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");

	/** The arguments of a tool call: content, only sent when content capture is on. */
	public static final AttributeKey<String> TOOL_ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");

	/** The result of a tool call: content, only sent when content capture is on. */
	public static final AttributeKey<String> TOOL_RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");

	/** The exception type of a failed call. */
	public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

	/** Keys of the first messages, built once: most conversations are short. */
	private static final int CACHED_INDEXES = 32;

	private static final AttributeKey<String>[][] PROMPT_KEYS = keys("gen_ai.prompt.");

	private static final AttributeKey<String>[][] COMPLETION_KEYS = keys("gen_ai.completion.");

	private static final int ROLE = 0;

	private static final int CONTENT = 1;

	private GenAiSpans() {
	}

	@SuppressWarnings("unchecked")
	private static AttributeKey<String>[][] keys(String prefix) {
		AttributeKey<String>[][] keys = new AttributeKey[CACHED_INDEXES][];
		for (int i = 0; i < CACHED_INDEXES; i++) {
			keys[i] = new AttributeKey[] { AttributeKey.stringKey(prefix + i + ".role"),
					AttributeKey.stringKey(prefix + i + ".content") };
		}
		return keys;
	}

	private static AttributeKey<String> key(AttributeKey<String>[][] cache, String prefix, int index, int field) {
		if (index < CACHED_INDEXES) {
			return cache[index][field];
		}
		return AttributeKey.stringKey(prefix + index + ((field == ROLE) ? ".role" : ".content"));
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
		Integer input = usage.getPromptTokens();
		if (input != null) {
			span.setAttribute(INPUT_TOKENS, input.longValue());
			span.setAttribute(PROMPT_TOKENS, input.longValue());
		}
		Integer output = usage.getCompletionTokens();
		if (output != null) {
			span.setAttribute(OUTPUT_TOKENS, output.longValue());
			span.setAttribute(COMPLETION_TOKENS, output.longValue());
		}
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
					span.setAttribute(key(PROMPT_KEYS, "gen_ai.prompt.", index, ROLE), "tool");
					span.setAttribute(key(PROMPT_KEYS, "gen_ai.prompt.", index, CONTENT), response.responseData());
					span.setAttribute("gen_ai.prompt." + index + ".tool_call_id", response.id());
					index++;
				}
				continue;
			}
			span.setAttribute(key(PROMPT_KEYS, "gen_ai.prompt.", index, ROLE), message.getMessageType().getValue());
			String text = message.getText();
			if (text != null) {
				span.setAttribute(key(PROMPT_KEYS, "gen_ai.prompt.", index, CONTENT), text);
			}
			if (message instanceof AssistantMessage assistant) {
				toolCalls(span, "gen_ai.prompt." + index, assistant);
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
			span.setAttribute(key(COMPLETION_KEYS, "gen_ai.completion.", i, ROLE),
					output.getMessageType().getValue());
			String text = output.getText();
			if (text != null) {
				span.setAttribute(key(COMPLETION_KEYS, "gen_ai.completion.", i, CONTENT), text);
			}
			toolCalls(span, "gen_ai.completion." + i, output);
		}
	}

	private static void toolCalls(Span span, String prefix, AssistantMessage message) {
		List<AssistantMessage.ToolCall> toolCalls = message.getToolCalls();
		for (int j = 0; j < toolCalls.size(); j++) {
			AssistantMessage.ToolCall toolCall = toolCalls.get(j);
			String callPrefix = prefix + ".tool_calls." + j;
			span.setAttribute(callPrefix + ".id", toolCall.id());
			span.setAttribute(callPrefix + ".name", toolCall.name());
			span.setAttribute(callPrefix + ".arguments", toolCall.arguments());
		}
	}

}
