package com.fallom.tracing.internal;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fallom.tracing.internal.TracedCall.ContentBlock;
import com.fallom.tracing.internal.TracedCall.ContentPart;
import com.fallom.tracing.internal.TracedCall.Message;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.ToolSpec;
import com.fallom.tracing.internal.TracedCall.ToolTiming;
import com.fallom.tracing.internal.TracedCall.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a {@link TracedCall} into the JSON trace record today's Fallom SDKs post to
 * {@code {traces}/v1/traces}: the session, ids, times, kind, model, status and prompt
 * fields at the top level, and under {@code attributes} the raw request, response, usage
 * and timings as JSON strings in the OpenAI Chat Completions shape, or in Anthropic's for
 * {@value #MESSAGES_CREATE} calls. The only code that
 * knows the record's field names. Privacy mode drops the raw request and response, error
 * messages (only the exception type is sent) and tool names; strings longer than the
 * per-value cap are cut, and a record over the record limit sheds its content (never the
 * session, model, usage or status); either cut is marked with {@code fallom.truncated}.
 * Thread-safe. Internal API.
 */
public final class TraceRecordMapper {

	/** The record format version every current SDK sends. */
	public static final String SDK_VERSION = "2";

	/** The name of chat-model calls, as the Python SDK's OpenAI wrapper and LangChain handler send it. */
	public static final String CHAT_COMPLETIONS = "chat.completions.create";

	/** The name of OpenAI Responses API calls, as the Python SDK's OpenAI wrapper sends it. */
	public static final String RESPONSES = "responses.create";

	/** The name of Anthropic Messages calls, as the Python SDK's Anthropic wrapper sends it. */
	public static final String MESSAGES_CREATE = "messages.create";

	/** The request fields the Python SDK copies into a Chat Completions record, each {@code null} when absent. */
	private static final List<String> CHAT_REQUEST_FIELDS = List.of("messages", "model", "tools", "tool_choice",
			"functions", "function_call");

	/** The request fields the Python SDK copies into a Responses record, each {@code null} when absent. */
	private static final List<String> RESPONSES_REQUEST_FIELDS = List.of("model", "input", "instructions", "tools");

	/** The request fields the Python SDK copies into a Responses record only when the caller passed them. */
	private static final List<String> RESPONSES_OPTIONAL_FIELDS = List.of("temperature", "max_output_tokens", "top_p",
			"store", "metadata");

	/** Default per-value cap, in characters. */
	public static final int DEFAULT_MAX_CONTENT_LENGTH = GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH;

	/** Default record limit, in bytes. */
	public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

	/** {@code fallom.truncated} when a value was cut to the per-value cap. */
	static final String TRUNCATED_VALUE = "value";

	/** {@code fallom.truncated} when content was shed to fit the record limit. */
	static final String TRUNCATED_RECORD = "record";

	private static final JsonFactory factory = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

	private static final JsonFactory innerFactory = JsonFactory.builder().build();

	private static final JsonMapper schemaReader = JsonMapper.builder().build();

	private final boolean captureContent;

	private final int maxContentLength;

	private final int maxRecordBytes;

	/**
	 * Create a mapper with the default caps.
	 * @param captureContent whether content may leave the process
	 */
	public TraceRecordMapper(boolean captureContent) {
		this(captureContent, DEFAULT_MAX_CONTENT_LENGTH, DEFAULT_MAX_RECORD_BYTES);
	}

	/**
	 * Create a mapper.
	 * @param captureContent whether content may leave the process
	 * @param maxContentLength the most characters of one content value
	 * @param maxRecordBytes the most bytes of one record before content is shed
	 */
	public TraceRecordMapper(boolean captureContent, int maxContentLength, int maxRecordBytes) {
		if (maxContentLength <= 0) {
			throw new IllegalArgumentException("'maxContentLength' must be positive");
		}
		if (maxRecordBytes <= 0) {
			throw new IllegalArgumentException("'maxRecordBytes' must be positive");
		}
		this.captureContent = captureContent;
		this.maxContentLength = maxContentLength;
		this.maxRecordBytes = maxRecordBytes;
	}

	public boolean isCaptureContent() {
		return this.captureContent;
	}

	/**
	 * Write a call's record.
	 * @param call the call, ended
	 * @return the record, UTF-8 JSON holding only ASCII
	 */
	public byte[] toJson(TracedCall call) {
		byte[] record = write(call, this.captureContent);
		if (record.length > this.maxRecordBytes && hasContent(call)) {
			record = write(call, false, TRUNCATED_RECORD);
		}
		return record;
	}

	private boolean hasContent(TracedCall call) {
		return this.captureContent || call.attributes != null;
	}

	private byte[] write(TracedCall call, boolean content) {
		Writer writer = new Writer(content);
		byte[] record = writer.record(call, null);
		return (writer.cut) ? new Writer(content).record(call, TRUNCATED_VALUE) : record;
	}

	private byte[] write(TracedCall call, boolean content, String truncated) {
		return new Writer(content).record(call, truncated);
	}

	/**
	 * Format a time as Python's {@code datetime.isoformat()} of a millisecond UTC time:
	 * {@code 2026-01-05T10:11:12.345000+00:00}, without a fraction when the milliseconds
	 * are 0.
	 * @param epochMillis the time
	 * @return the text
	 */
	static String isoTime(long epochMillis) {
		LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
		int millis = (int) Math.floorMod(epochMillis, 1000);
		StringBuilder text = new StringBuilder(32);
		text.append(time.getYear()).append('-');
		two(text, time.getMonthValue()).append('-');
		two(text, time.getDayOfMonth()).append('T');
		two(text, time.getHour()).append(':');
		two(text, time.getMinute()).append(':');
		two(text, time.getSecond());
		if (millis != 0) {
			text.append('.');
			if (millis < 100) {
				text.append('0');
			}
			if (millis < 10) {
				text.append('0');
			}
			text.append(millis).append("000");
		}
		return text.append("+00:00").toString();
	}

	private static StringBuilder two(StringBuilder text, int value) {
		if (value < 10) {
			text.append('0');
		}
		return text.append(value);
	}

	/** One record being written: knows whether content goes and whether a value was cut. */
	private final class Writer {

		private final boolean content;

		private boolean cut;

		Writer(boolean content) {
			this.content = content;
		}

		byte[] record(TracedCall call, @Nullable String truncated) {
			ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
			try (JsonGenerator json = factory.createGenerator(ObjectWriteContext.empty(), out)) {
				boolean error = call.isError();
				boolean llm = call.kind == TracedCall.Kind.LLM;
				long start = call.startEpochMillis;
				long end = Math.max(start, call.endEpochMillis);
				json.writeStartObject();
				json.writeStringProperty("config_key", call.configKey);
				json.writeStringProperty("session_id", call.sessionId);
				json.writeStringProperty("trace_id", call.traceId);
				json.writeStringProperty("span_id", call.spanId);
				String name = name(call);
				json.writeStringProperty("name", name);
				json.writeStringProperty("start_time", isoTime(start));
				json.writeStringProperty("end_time", isoTime(end));
				json.writeNumberProperty("duration_ms", end - start);
				json.writeStringProperty("status", error ? "ERROR" : "OK");
				if (call.customerId != null) {
					json.writeStringProperty("customer_id", call.customerId);
				}
				if (call.parentSpanId != null) {
					json.writeStringProperty("parent_span_id", call.parentSpanId);
				}
				json.writeStringProperty("kind", call.kind.wireName());
				String model = model(call, error);
				if (model != null) {
					json.writeStringProperty("model", model);
				}
				if (error) {
					json.writeStringProperty("error_message", errorMessage(call));
				}
				if (call.streaming) {
					if (call.timeToFirstTokenMs != null) {
						json.writeNumberProperty("time_to_first_token_ms", call.timeToFirstTokenMs);
					}
					json.writeBooleanProperty("is_streaming", true);
				}
				if (call.metadata != null) {
					json.writeName("metadata");
					value(json, call.metadata, false);
				}
				if (call.tags != null) {
					json.writeName("tags");
					value(json, call.tags, false);
				}
				json.writeName("attributes");
				json.writeStartObject();
				json.writeStringProperty("fallom.sdk_version", SDK_VERSION);
				json.writeStringProperty("fallom.method", name);
				if (call.integration != null) {
					json.writeStringProperty("fallom.integration", call.integration);
				}
				if (call.manual) {
					json.writeStringProperty("fallom.span_type", "manual");
				}
				if (call.attempts > 1) {
					// Retries hidden from the caller by the client: one record, the attempts counted
					json.writeStringProperty("fallom.attempts", Integer.toString(call.attempts));
				}
				if (llm && MESSAGES_CREATE.equals(call.name)) {
					if (!error) {
						if (this.content) {
							json.writeStringProperty("fallom.raw.request",
									inner((inner) -> anthropicRequest(inner, call)));
							json.writeStringProperty("fallom.raw.response",
									inner((inner) -> anthropicResponse(inner, call)));
						}
						anthropicUsage(json, call);
						timings(json, call, end - start, true);
					}
				}
				else if (llm) {
					if (!error) {
						if (this.content && call.api == TracedCall.Api.RESPONSES) {
							json.writeStringProperty("fallom.raw.request",
									inner((inner) -> responsesRequest(inner, call)));
							json.writeStringProperty("fallom.raw.response",
									inner((inner) -> responsesResponse(inner, call)));
						}
						else if (this.content) {
							json.writeStringProperty("fallom.raw.request", inner((inner) -> chatRequest(inner, call)));
							json.writeStringProperty("fallom.raw.response",
									inner((inner) -> chatResponse(inner, call)));
						}
						usage(json, call);
						timings(json, call, end - start, false);
					}
				}
				else {
					if (this.content && call.input != null) {
						json.writeStringProperty("fallom.raw.request", inner((inner) -> value(inner, call.input, true)));
					}
					if (this.content && !error && call.output != null) {
						json.writeStringProperty("fallom.raw.response",
								inner((inner) -> value(inner, call.output, true)));
					}
					if (!error) {
						usage(json, call);
					}
					timings(json, call, end - start, false);
				}
				if (call.attributes != null && !TRUNCATED_RECORD.equals(truncated)) {
					for (Map.Entry<String, Object> attribute : call.attributes.entrySet()) {
						json.writeName(attribute.getKey());
						value(json, attribute.getValue(), true);
					}
				}
				if (truncated != null) {
					json.writeStringProperty("fallom.truncated", truncated);
				}
				json.writeEndObject();
				if (call.promptKey != null) {
					json.writeStringProperty("prompt_key", call.promptKey);
				}
				if (call.promptVersion != null) {
					json.writeNumberProperty("prompt_version", call.promptVersion);
				}
				if (call.promptAbTestKey != null) {
					json.writeStringProperty("prompt_ab_test_key", call.promptAbTestKey);
				}
				if (call.promptVariantIndex != null) {
					json.writeNumberProperty("prompt_variant_index", call.promptVariantIndex);
				}
				json.writeEndObject();
			}
			return out.toByteArray();
		}

		private String name(TracedCall call) {
			// A tool span is named after its tool, and tool names are content
			if (!this.content && call.kind == TracedCall.Kind.TOOL && !call.manual) {
				return "tool";
			}
			return call.name;
		}

		private @Nullable String model(TracedCall call, boolean error) {
			if (!error && call.responseModel != null && !call.responseModel.isEmpty()) {
				return call.responseModel;
			}
			return call.requestModel;
		}

		private String errorMessage(TracedCall call) {
			String type = (call.errorType != null) ? call.errorType : "error";
			if (!this.content || call.errorMessage == null) {
				return type;
			}
			return cap(call.errorMessage);
		}

		private void usage(JsonGenerator json, TracedCall call) {
			Usage usage = call.usage;
			if (usage == null || (usage.promptTokens() == null && usage.completionTokens() == null
					&& usage.totalTokens() == null)) {
				return;
			}
			json.writeStringProperty("fallom.raw.usage", inner((inner) -> {
				int prompt = (usage.promptTokens() != null) ? usage.promptTokens() : 0;
				int completion = (usage.completionTokens() != null) ? usage.completionTokens() : 0;
				inner.writeStartObject();
				inner.writeNumberProperty("prompt_tokens", prompt);
				inner.writeNumberProperty("completion_tokens", completion);
				inner.writeNumberProperty("total_tokens",
						(usage.totalTokens() != null) ? usage.totalTokens() : prompt + completion);
				inner.writeEndObject();
			}));
		}

		/**
		 * Write the timings; {@code alwaysToolCalls} for Anthropic's, whose {@code toolCalls}
		 * is there even when empty.
		 */
		private void timings(JsonGenerator json, TracedCall call, long duration, boolean alwaysToolCalls) {
			json.writeStringProperty("fallom.raw.timings", inner((inner) -> {
				inner.writeStartObject();
				inner.writeNumberProperty("requestStart", 0);
				inner.writeNumberProperty("requestEnd", duration);
				inner.writeNumberProperty("responseEnd", duration);
				inner.writeNumberProperty("totalDurationMs", duration);
				if (call.streaming && call.timeToFirstTokenMs != null) {
					inner.writeNumberProperty("firstTokenTime", call.timeToFirstTokenMs);
					inner.writeBooleanProperty("isStreaming", true);
				}
				if (alwaysToolCalls || !call.responseToolCalls.isEmpty()) {
					inner.writeName("toolCalls");
					inner.writeStartArray();
					for (ToolCall toolCall : call.responseToolCalls) {
						inner.writeStartObject();
						inner.writeStringProperty("id", toolCall.id());
						if (this.content) {
							inner.writeStringProperty("name", toolCall.name());
						}
						inner.writeNumberProperty("callTime", 0);
						inner.writeEndObject();
					}
					inner.writeEndArray();
				}
				if (!call.toolTimings.isEmpty()) {
					inner.writeName("toolTimings");
					inner.writeStartArray();
					for (ToolTiming timing : call.toolTimings) {
						inner.writeStartObject();
						if (timing.id() != null) {
							inner.writeStringProperty("id", timing.id());
						}
						if (this.content && timing.name() != null) {
							inner.writeStringProperty("name", timing.name());
						}
						inner.writeNumberProperty("startTime", timing.startMs());
						// Rounded to the microsecond, as start and duration are
						inner.writeNumberProperty("endTime",
								Math.round((timing.startMs() + timing.durationMs()) * 1000) / 1000.0);
						inner.writeNumberProperty("duration", timing.durationMs());
						inner.writeEndObject();
					}
					inner.writeEndArray();
				}
				inner.writeEndObject();
			}));
		}

		private void anthropicUsage(JsonGenerator json, TracedCall call) {
			Usage usage = call.usage;
			if (usage == null || (usage.promptTokens() == null && usage.completionTokens() == null)) {
				return;
			}
			json.writeStringProperty("fallom.raw.usage", inner((inner) -> {
				inner.writeStartObject();
				inner.writeNumberProperty("input_tokens", (usage.promptTokens() != null) ? usage.promptTokens() : 0);
				inner.writeNumberProperty("output_tokens",
						(usage.completionTokens() != null) ? usage.completionTokens() : 0);
				inner.writeEndObject();
			}));
		}

		/**
		 * The Python SDK's Anthropic request: the five fields as the caller gave them, null
		 * when not given.
		 */
		private void anthropicRequest(JsonGenerator json, TracedCall call) {
			Map<String, ?> request = (call.providerRequest != null) ? call.providerRequest : Map.of();
			json.writeStartObject();
			json.writeName("messages");
			value(json, request.get("messages"), true);
			json.writeName("system");
			value(json, request.get("system"), true);
			json.writeStringProperty("model", call.requestModel);
			json.writeName("tools");
			value(json, request.get("tools"), true);
			json.writeName("tool_choice");
			value(json, request.get("tool_choice"), true);
			json.writeEndObject();
		}

		/**
		 * The Python SDK's Anthropic response: joined text, stop reason, id, model, tool
		 * calls with their input as an object, and every block's type, text and id.
		 */
		private void anthropicResponse(JsonGenerator json, TracedCall call) {
			json.writeStartObject();
			json.writeStringProperty("text", (call.responseText != null) ? cap(call.responseText) : "");
			json.writeStringProperty("finishReason", call.finishReason);
			json.writeStringProperty("responseId", call.responseId);
			json.writeStringProperty("model", call.responseModel);
			json.writeName("toolCalls");
			json.writeStartArray();
			for (ToolCall toolCall : call.responseToolCalls) {
				json.writeStartObject();
				json.writeStringProperty("id", toolCall.id());
				json.writeStringProperty("name", toolCall.name());
				json.writeName("arguments");
				value(json, (toolCall.arguments() != null) ? schema(toolCall.arguments()) : null, true);
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeName("content");
			json.writeStartArray();
			for (ContentBlock block : call.responseBlocks) {
				json.writeStartObject();
				json.writeStringProperty("type", block.type());
				json.writeStringProperty("text", (block.text() != null) ? cap(block.text()) : null);
				json.writeStringProperty("id", block.id());
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeEndObject();
		}

		private void chatRequest(JsonGenerator json, TracedCall call) {
			if (call.providerRequest != null) {
				// The caller's own arguments, as the Python SDK copies them
				json.writeStartObject();
				for (String field : CHAT_REQUEST_FIELDS) {
					json.writeName(field);
					value(json, call.providerRequest.get(field), true);
				}
				json.writeEndObject();
				return;
			}
			json.writeStartObject();
			json.writeName("messages");
			json.writeStartArray();
			for (Message message : call.messages) {
				message(json, message);
			}
			json.writeEndArray();
			json.writeStringProperty("model", call.requestModel);
			json.writeName("tools");
			if (call.tools.isEmpty()) {
				json.writeNull();
			}
			else {
				json.writeStartArray();
				for (ToolSpec tool : call.tools) {
					json.writeStartObject();
					json.writeStringProperty("type", "function");
					json.writeName("function");
					json.writeStartObject();
					json.writeStringProperty("name", tool.name());
					if (tool.description() != null) {
						json.writeStringProperty("description", cap(tool.description()));
					}
					if (tool.parametersSchema() != null) {
						json.writeName("parameters");
						value(json, schema(tool.parametersSchema()), true);
					}
					json.writeEndObject();
					json.writeEndObject();
				}
				json.writeEndArray();
			}
			json.writeName("tool_choice");
			value(json, call.toolChoice, false);
			json.writeNullProperty("functions");
			json.writeNullProperty("function_call");
			json.writeEndObject();
		}

		private void message(JsonGenerator json, Message message) {
			json.writeStartObject();
			json.writeStringProperty("role", message.role());
			if (message.toolCallId() != null) {
				json.writeStringProperty("tool_call_id", message.toolCallId());
			}
			json.writeName("content");
			if (message.parts() != null) {
				json.writeStartArray();
				for (ContentPart part : message.parts()) {
					json.writeStartObject();
					json.writeStringProperty("type", part.type());
					if (part.text() != null) {
						json.writeStringProperty("text", cap(part.text()));
					}
					if (part.url() != null) {
						json.writeName("image_url");
						json.writeStartObject();
						json.writeStringProperty("url", cap(part.url()));
						if (part.detail() != null) {
							json.writeStringProperty("detail", part.detail());
						}
						json.writeEndObject();
					}
					json.writeEndObject();
				}
				json.writeEndArray();
			}
			else if (message.content() != null) {
				json.writeString(cap(message.content()));
			}
			else {
				json.writeNull();
			}
			if (!message.toolCalls().isEmpty()) {
				json.writeName("tool_calls");
				toolCalls(json, message.toolCalls());
			}
			json.writeEndObject();
		}

		private void toolCalls(JsonGenerator json, List<ToolCall> toolCalls) {
			json.writeStartArray();
			for (ToolCall toolCall : toolCalls) {
				json.writeStartObject();
				json.writeStringProperty("id", toolCall.id());
				json.writeStringProperty("type", "function");
				json.writeName("function");
				json.writeStartObject();
				json.writeStringProperty("name", toolCall.name());
				json.writeStringProperty("arguments", (toolCall.arguments() != null) ? cap(toolCall.arguments()) : null);
				json.writeEndObject();
				json.writeEndObject();
			}
			json.writeEndArray();
		}

		private void chatResponse(JsonGenerator json, TracedCall call) {
			json.writeStartObject();
			json.writeStringProperty("text", (call.responseText != null) ? cap(call.responseText) : null);
			json.writeStringProperty("finishReason", call.finishReason);
			json.writeStringProperty("responseId", call.responseId);
			json.writeStringProperty("model", call.responseModel);
			if (!call.responseToolCalls.isEmpty()) {
				json.writeName("toolCalls");
				toolCalls(json, call.responseToolCalls);
			}
			json.writeEndObject();
		}

		private void responsesRequest(JsonGenerator json, TracedCall call) {
			Map<String, ?> request = (call.providerRequest != null) ? call.providerRequest : Map.of();
			json.writeStartObject();
			for (String field : RESPONSES_REQUEST_FIELDS) {
				json.writeName(field);
				Object value = request.get(field);
				if (value == null && field.equals("model")) {
					value = call.requestModel;
				}
				value(json, value, true);
			}
			for (String field : RESPONSES_OPTIONAL_FIELDS) {
				if (request.containsKey(field)) {
					json.writeName(field);
					value(json, request.get(field), true);
				}
			}
			json.writeEndObject();
		}

		/**
		 * The Python SDK's digest of a Responses answer: id, model, status, each output
		 * item's type, parts ({@code output_text} renamed {@code text}, other parts by type
		 * only), function name, arguments and call id, and the first non-empty text.
		 */
		private void responsesResponse(JsonGenerator json, TracedCall call) {
			json.writeStartObject();
			json.writeStringProperty("responseId", call.responseId);
			json.writeStringProperty("model", call.responseModel);
			json.writeStringProperty("status", call.responseStatus);
			String text = null;
			if (call.output instanceof List<?> items && !items.isEmpty()) {
				json.writeName("output");
				json.writeStartArray();
				for (Object element : items) {
					Map<?, ?> item = (element instanceof Map<?, ?> map) ? map : Map.of();
					json.writeStartObject();
					json.writeName("type");
					value(json, item.get("type"), false);
					Object content = item.get("content");
					if (content instanceof List<?> parts) {
						json.writeName("content");
						json.writeStartArray();
						for (Object p : parts) {
							Map<?, ?> part = (p instanceof Map<?, ?> map) ? map : Map.of();
							json.writeStartObject();
							if (part.get("text") instanceof String partText) {
								json.writeStringProperty("type", "text");
								json.writeStringProperty("text", cap(partText));
								if (text == null && !partText.isEmpty()) {
									text = partText;
								}
							}
							else {
								json.writeName("type");
								value(json, part.get("type"), false);
							}
							json.writeEndObject();
						}
						json.writeEndArray();
					}
					else if ("reasoning".equals(item.get("type"))) {
						json.writeName("content");
						json.writeStartArray();
						json.writeEndArray();
					}
					for (String field : List.of("name", "arguments", "call_id")) {
						if (item.containsKey(field)) {
							json.writeName(field);
							value(json, item.get(field), true);
						}
					}
					json.writeEndObject();
				}
				json.writeEndArray();
			}
			if (text != null) {
				json.writeStringProperty("text", cap(text));
			}
			json.writeEndObject();
		}

		/**
		 * Write a plain value: string, number, boolean, list, map, or anything else as its
		 * string.
		 */
		private void value(JsonGenerator json, @Nullable Object value, boolean capStrings) {
			if (value == null) {
				json.writeNull();
			}
			else if (value instanceof String text) {
				json.writeString(capStrings ? cap(text) : text);
			}
			else if (value instanceof Boolean bool) {
				json.writeBoolean(bool);
			}
			else if (value instanceof Integer || value instanceof Long || value instanceof Short
					|| value instanceof Byte) {
				json.writeNumber(((Number) value).longValue());
			}
			else if (value instanceof Double || value instanceof Float) {
				double number = ((Number) value).doubleValue();
				if (Double.isFinite(number)) {
					json.writeNumber(number);
				}
				else {
					json.writeString(Double.toString(number));
				}
			}
			else if (value instanceof Number number) {
				json.writeNumber(number.toString());
			}
			else if (value instanceof Map<?, ?> map) {
				json.writeStartObject();
				for (Map.Entry<?, ?> entry : map.entrySet()) {
					json.writeName(String.valueOf(entry.getKey()));
					value(json, entry.getValue(), capStrings);
				}
				json.writeEndObject();
			}
			else if (value instanceof Iterable<?> list) {
				json.writeStartArray();
				for (Object element : list) {
					value(json, element, capStrings);
				}
				json.writeEndArray();
			}
			else if (value instanceof Object[] array) {
				value(json, List.of(array), capStrings);
			}
			else {
				String text = String.valueOf(value);
				json.writeString(capStrings ? cap(text) : text);
			}
		}

		private String cap(String text) {
			if (text.length() <= TraceRecordMapper.this.maxContentLength) {
				return text;
			}
			this.cut = true;
			int end = TraceRecordMapper.this.maxContentLength;
			if (Character.isHighSurrogate(text.charAt(end - 1))) {
				end--;
			}
			return text.substring(0, end);
		}

		private String inner(InnerWriter body) {
			ByteArrayOutputStream out = new ByteArrayOutputStream(256);
			try (JsonGenerator inner = innerFactory.createGenerator(ObjectWriteContext.empty(), out)) {
				body.write(inner);
			}
			return out.toString(java.nio.charset.StandardCharsets.UTF_8);
		}

	}

	private static Object schema(String json) {
		try {
			return schemaReader.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			// Not JSON: sent as the text it is rather than dropped
			return json;
		}
	}

	@FunctionalInterface
	private interface InnerWriter {

		void write(JsonGenerator json);

	}

}
