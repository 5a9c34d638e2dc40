package com.fallom.tracing.internal;

import java.util.List;

import com.fallom.internal.Arguments;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.ReadableSpan;
import org.jspecify.annotations.Nullable;

/**
 * The GenAI span attributes the Fallom backend reads, with the names OpenLLMetry
 * instrumentations emit, and the writers every integration shares (Spring AI,
 * LangChain4j), so that a chat span looks the same whichever library made the call.
 * Content goes through {@link Content}, which keeps it within the span's bounds.
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

	/**
	 * Whether some content of the span (a prompt, completion, tool call, argument or
	 * result) was cut to the content length limit or left out to keep the span within its
	 * limits.
	 */
	public static final AttributeKey<Boolean> CONTENT_TRUNCATED = AttributeKey.booleanKey("fallom.content_truncated");

	/**
	 * The default most characters of one content value: 32,768, about 8,000 tokens. Whole
	 * messages of an ordinary chat pass uncut, while a pasted document, a base64 image or
	 * a 10 MB prompt is cut to at most 96 KiB of UTF-8 per value.
	 */
	public static final int DEFAULT_MAX_CONTENT_LENGTH = 32_768;

	/**
	 * The most characters of content in one span, all values together, and so the
	 * largest content length limit: 1,048,576. At most 3 bytes of UTF-8 each, the content
	 * of a span stays below the 4 MiB an export request carries by default, so the
	 * backend never sees a span bigger than one request.
	 */
	public static final int MAX_CONTENT_CHARS_PER_SPAN = 1024 * 1024;

	/** The most attributes a span of Fallom's tracer keeps; the SDK drops the rest. */
	public static final int MAX_SPAN_ATTRIBUTES = 1024;

	/**
	 * Attributes kept free of content for what is written after it: response model, id
	 * and finish reasons, the four token counts, error type, timings, the cancel and
	 * truncation markers.
	 */
	static final int RESERVED_ATTRIBUTES = 64;

	/** Attributes of the content budget the prompt leaves to the completions. */
	static final int COMPLETION_RESERVE = 32;

	/** The most characters of a status message: error messages may quote a whole prompt. */
	static final int MAX_STATUS_MESSAGE_LENGTH = 4096;

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
		span.setStatus(StatusCode.ERROR, (captureContent && error.getMessage() != null)
				? cut(type + ": " + error.getMessage(), MAX_STATUS_MESSAGE_LENGTH) : type);
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
	 * Start writing the content of a span (prompts, completions, tool calls, tool
	 * arguments and results): every value cut to {@code maxContentLength} characters, and
	 * the whole kept within the span's attribute limit and
	 * {@value #MAX_CONTENT_CHARS_PER_SPAN} characters, so that usage, models, session and
	 * status, written later, always find room. What is cut or left out marks the span
	 * {@code fallom.content_truncated}. Only call when content capture is on; one writer
	 * per span, used from one thread at a time.
	 * @param span the span
	 * @param maxContentLength the most characters of one value
	 * @return the writer
	 */
	public static Content content(Span span, int maxContentLength) {
		return new Content(span, maxContentLength);
	}

	/**
	 * Cut a text to a number of characters, never between the two halves of a surrogate
	 * pair.
	 * @param text the text
	 * @param maxLength the most characters
	 * @return the text, or its beginning
	 */
	static String cut(String text, int maxLength) {
		if (text.length() <= maxLength) {
			return text;
		}
		int end = (maxLength > 0 && Character.isHighSurrogate(text.charAt(maxLength - 1))) ? maxLength - 1
				: maxLength;
		return text.substring(0, end);
	}

	/**
	 * Writes the content of one span within its bounds; see
	 * {@link GenAiAttributes#content(Span, int)}. Prompt messages are kept from the first
	 * on: once one does not fit, it and every later one are left out, so the indexes the
	 * backend reads stay contiguous. Room is kept for the completions written when the
	 * call ends.
	 */
	public static final class Content {

		private final Span span;

		private final int maxLength;

		private int attributesLeft;

		private long charsLeft = MAX_CONTENT_CHARS_PER_SPAN;

		private boolean promptCut;

		private boolean truncated;

		Content(Span span, int maxLength) {
			Arguments.isTrue(maxLength > 0, "'maxContentLength' must be positive");
			this.span = span;
			this.maxLength = maxLength;
			// What the span carries already (operation, models, session, metadata, prompt
			// tags) counts against the limit too.
			int present = (span instanceof ReadableSpan readable) ? readable.getAttributes().size() : 0;
			this.attributesLeft = span.isRecording() ? MAX_SPAN_ATTRIBUTES - RESERVED_ATTRIBUTES - present : 0;
		}

		/**
		 * Write one prompt message.
		 * @param index the message's index in the prompt
		 * @param role the role, e.g. {@code user}
		 * @param content the text, or {@code null} when the message has none
		 * @return the message's attribute prefix, e.g. {@code gen_ai.prompt.2}, for
		 * {@link #toolCall}, or {@code null} when the message was left out
		 */
		public @Nullable String promptMessage(int index, String role, @Nullable String content) {
			if (this.promptCut || !fits((content != null) ? 2 : 1, COMPLETION_RESERVE)) {
				this.promptCut = true;
				markTruncated();
				return null;
			}
			write(key(PROMPT_KEYS, PROMPT, index, ROLE), role);
			if (content != null) {
				write(key(PROMPT_KEYS, PROMPT, index, CONTENT), content);
			}
			return PROMPT + index;
		}

		/**
		 * Write the id of the tool call a prompt message of role {@code tool} answers.
		 * @param messagePrefix the prefix {@link #promptMessage} returned, or {@code null}
		 * when it left the message out
		 * @param toolCallId the tool call's id, or {@code null} when unknown
		 */
		public void promptToolCallId(@Nullable String messagePrefix, @Nullable String toolCallId) {
			if (messagePrefix != null && toolCallId != null) {
				if (fits(1, COMPLETION_RESERVE)) {
					write(AttributeKey.stringKey(messagePrefix + ".tool_call_id"), toolCallId);
				}
				else {
					markTruncated();
				}
			}
		}

		/**
		 * Write one completion.
		 * @param index the completion's index
		 * @param role the role, usually {@code assistant}
		 * @param content the text, or {@code null} when the completion has none
		 * @return the completion's attribute prefix, e.g. {@code gen_ai.completion.0}, for
		 * {@link #toolCall}, or {@code null} when it was left out
		 */
		public @Nullable String completion(int index, String role, @Nullable String content) {
			if (!fits((content != null) ? 2 : 1, 0)) {
				markTruncated();
				return null;
			}
			write(key(COMPLETION_KEYS, COMPLETION, index, ROLE), role);
			if (content != null) {
				write(key(COMPLETION_KEYS, COMPLETION, index, CONTENT), content);
			}
			return COMPLETION + index;
		}

		/**
		 * Write one tool call of a message, whole or not at all.
		 * @param messagePrefix the prefix {@link #promptMessage} or {@link #completion}
		 * returned, or {@code null} when it left the message out
		 * @param index the tool call's index in the message
		 * @param id the tool call's id, or {@code null}
		 * @param name the tool's name
		 * @param arguments the arguments, usually JSON, or {@code null}
		 */
		public void toolCall(@Nullable String messagePrefix, int index, @Nullable String id, String name,
				@Nullable String arguments) {
			if (messagePrefix == null) {
				return;
			}
			int needed = 1 + ((id != null) ? 1 : 0) + ((arguments != null) ? 1 : 0);
			if (!fits(needed, messagePrefix.startsWith(PROMPT) ? COMPLETION_RESERVE : 0)) {
				markTruncated();
				return;
			}
			String callPrefix = messagePrefix + ".tool_calls." + index;
			if (id != null) {
				write(AttributeKey.stringKey(callPrefix + ".id"), id);
			}
			write(AttributeKey.stringKey(callPrefix + ".name"), name);
			if (arguments != null) {
				write(AttributeKey.stringKey(callPrefix + ".arguments"), arguments);
			}
		}

		/**
		 * Write one content value of its own, such as {@link #TOOL_ARGUMENTS} or
		 * {@link #TOOL_RESULT}.
		 * @param key the attribute
		 * @param value the value
		 */
		public void text(AttributeKey<String> key, String value) {
			if (fits(1, 0)) {
				write(key, value);
			}
			else {
				markTruncated();
			}
		}

		/**
		 * Return a text cut as a content value would be, for what is not an attribute,
		 * such as a status message quoting a tool's result.
		 * @param value the text
		 * @return the text, or its beginning
		 */
		public String cap(String value) {
			if (value.length() > this.maxLength) {
				markTruncated();
				return cut(value, this.maxLength);
			}
			return value;
		}

		/**
		 * Whether some content was cut or left out.
		 * @return whether the span is marked {@code fallom.content_truncated}
		 */
		public boolean isTruncated() {
			return this.truncated;
		}

		private boolean fits(int attributes, int reserve) {
			return this.attributesLeft - reserve >= attributes && this.charsLeft > 0;
		}

		private void write(AttributeKey<String> key, String value) {
			int limit = (int) Math.min(this.maxLength, this.charsLeft);
			String kept = cut(value, limit);
			if (kept.length() < value.length()) {
				markTruncated();
			}
			this.span.setAttribute(key, kept);
			this.attributesLeft--;
			this.charsLeft -= kept.length();
		}

		private void markTruncated() {
			if (!this.truncated) {
				this.truncated = true;
				this.span.setAttribute(CONTENT_TRUNCATED, true);
			}
		}

	}

}
