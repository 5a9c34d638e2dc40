package com.fallom.tracing.internal;

import java.util.List;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * The GenAI span attributes the Fallom backend reads, with the names OpenLLMetry
 * instrumentations emit, and the writers every integration shares (Spring AI,
 * LangChain4j), so that a chat span looks the same whichever library made the call.
 * Internal API: it knows no LLM library, only names and plain values.
 */
public final class GenAiAttributes {

	/** The provider, e.g. {@code openai}. */
	public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

	/** The model asked for. */
	public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");

	/** The model that answered. */
	public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");

	/** The provider's id of the response. */
	public static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");

	/** Why the model stopped, one entry per choice. */
	public static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey
		.stringArrayKey("gen_ai.response.finish_reasons");

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

	/** Milliseconds from the start of a streamed call to the first token its caller received. */
	public static final AttributeKey<Long> TIME_TO_FIRST_TOKEN_MS = AttributeKey
		.longKey("fallom.time_to_first_token_ms");

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

	/** Whether the caller cancelled a streamed call before its end. */
	public static final AttributeKey<Boolean> CANCELLED = AttributeKey.booleanKey("fallom.cancelled");

	/** Keys of the first messages, built once: most conversations are short. */
	private static final int CACHED_INDEXES = 32;

	private static final String PROMPT = "gen_ai.prompt.";

	private static final String COMPLETION = "gen_ai.completion.";

	private static final AttributeKey<String>[][] PROMPT_KEYS = keys(PROMPT);

	private static final AttributeKey<String>[][] COMPLETION_KEYS = keys(COMPLETION);

	private static final int ROLE = 0;

	private static final int CONTENT = 1;

	private GenAiAttributes() {
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
	 * Mark a failed call: {@code error.type} and an {@code ERROR} status. The status
	 * message carries the error's message only with content capture on: provider and
	 * tool errors may quote the prompt, so in privacy mode only the type leaves.
	 * @param span the span
	 * @param error the failure
	 * @param captureContent whether content may leave the process
	 */
	public static void error(Span span, Throwable error, boolean captureContent) {
		String type = error.getClass().getName();
		span.setAttribute(ERROR_TYPE, type);
		span.setStatus(StatusCode.ERROR,
				(captureContent && error.getMessage() != null) ? type + ": " + error.getMessage() : type);
	}

	/**
	 * Mark a streamed call the caller cancelled before its end.
	 * @param span the span
	 */
	public static void cancelled(Span span) {
		span.setAttribute(CANCELLED, true);
		span.setStatus(StatusCode.ERROR, "cancelled");
	}

	/**
	 * Write the token counts, as integers, under both the current and the older names.
	 * @param span the span
	 * @param inputTokens the input tokens, or {@code null} when unknown
	 * @param outputTokens the output tokens, or {@code null} when unknown
	 */
	public static void usage(Span span, @Nullable Integer inputTokens, @Nullable Integer outputTokens) {
		if (inputTokens != null) {
			span.setAttribute(INPUT_TOKENS, inputTokens.longValue());
			span.setAttribute(PROMPT_TOKENS, inputTokens.longValue());
		}
		if (outputTokens != null) {
			span.setAttribute(OUTPUT_TOKENS, outputTokens.longValue());
			span.setAttribute(COMPLETION_TOKENS, outputTokens.longValue());
		}
	}

	/**
	 * Write one prompt message. Only call when content capture is on.
	 * @param span the span
	 * @param index the message's index in the prompt
	 * @param role the role, e.g. {@code user}
	 * @param content the text, or {@code null} when the message has none
	 * @return the message's attribute prefix, e.g. {@code gen_ai.prompt.2}, for
	 * {@link #toolCall}
	 */
	public static String promptMessage(Span span, int index, String role, @Nullable String content) {
		span.setAttribute(key(PROMPT_KEYS, PROMPT, index, ROLE), role);
		if (content != null) {
			span.setAttribute(key(PROMPT_KEYS, PROMPT, index, CONTENT), content);
		}
		return PROMPT + index;
	}

	/**
	 * Write the id of the tool call a prompt message of role {@code tool} answers. Only
	 * call when content capture is on.
	 * @param span the span
	 * @param index the message's index in the prompt
	 * @param toolCallId the tool call's id, or {@code null} when unknown
	 */
	public static void promptToolCallId(Span span, int index, @Nullable String toolCallId) {
		if (toolCallId != null) {
			span.setAttribute(PROMPT + index + ".tool_call_id", toolCallId);
		}
	}

	/**
	 * Write one completion. Only call when content capture is on.
	 * @param span the span
	 * @param index the completion's index
	 * @param role the role, usually {@code assistant}
	 * @param content the text, or {@code null} when the completion has none
	 * @return the completion's attribute prefix, e.g. {@code gen_ai.completion.0}, for
	 * {@link #toolCall}
	 */
	public static String completion(Span span, int index, String role, @Nullable String content) {
		span.setAttribute(key(COMPLETION_KEYS, COMPLETION, index, ROLE), role);
		if (content != null) {
			span.setAttribute(key(COMPLETION_KEYS, COMPLETION, index, CONTENT), content);
		}
		return COMPLETION + index;
	}

	/**
	 * Write one tool call of a message. Only call when content capture is on: the
	 * arguments are content.
	 * @param span the span
	 * @param messagePrefix the prefix returned by {@link #promptMessage} or
	 * {@link #completion}
	 * @param index the tool call's index in the message
	 * @param id the tool call's id, or {@code null}
	 * @param name the tool's name
	 * @param arguments the arguments, usually JSON, or {@code null}
	 */
	public static void toolCall(Span span, String messagePrefix, int index, @Nullable String id, String name,
			@Nullable String arguments) {
		String callPrefix = messagePrefix + ".tool_calls." + index;
		if (id != null) {
			span.setAttribute(callPrefix + ".id", id);
		}
		span.setAttribute(callPrefix + ".name", name);
		if (arguments != null) {
			span.setAttribute(callPrefix + ".arguments", arguments);
		}
	}

}
