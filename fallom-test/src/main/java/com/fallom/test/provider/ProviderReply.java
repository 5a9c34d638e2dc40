package com.fallom.test.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@link MockProviderServer} answers to one chat request: a text, one or more tool
 * calls, or an error status, each optionally after a delay. The server renders it in the
 * wire format of the API that was called (OpenAI Chat Completions or Anthropic Messages),
 * as one JSON body or as a server-sent event stream when the request asks to stream.
 * <p>
 * Instances are immutable; the {@code with…} methods return changed copies: <pre class="code">
 * ProviderReply.text("It is sunny.").usage(21, 4).responseModel("gpt-4o-2024-08-06");
 * ProviderReply.toolCall("order_status", "{\"id\":\"42\"}").afterToolResult(ProviderReply.text("Shipped."));
 * ProviderReply.error(429, "Rate limit reached");
 * </pre>
 *
 * @see MockProviderServer#enqueue(ProviderReply...)
 */
public final class ProviderReply {

	/**
	 * Input tokens reported when a reply does not set {@link #usage(int, int) usage}.
	 */
	public static final int DEFAULT_INPUT_TOKENS = 10;

	/**
	 * Output tokens reported when a reply does not set {@link #usage(int, int) usage}.
	 */
	public static final int DEFAULT_OUTPUT_TOKENS = 5;

	private @Nullable String text;

	private List<ToolCall> toolCalls = List.of();

	private int errorStatus;

	private @Nullable String errorMessage;

	private Duration delay = Duration.ZERO;

	private int inputTokens = DEFAULT_INPUT_TOKENS;

	private int outputTokens = DEFAULT_OUTPUT_TOKENS;

	private @Nullable String responseModel;

	private boolean truncated;

	private int streamFailureAfter = -1;

	private boolean dropStream;

	private Duration chunkDelay = Duration.ZERO;

	private @Nullable ProviderReply afterToolResult;

	private @Nullable String recordedBody;

	private int recordedStatus;

	private @Nullable List<String> recordedEvents;

	private ProviderReply() {
	}

	/**
	 * Return a copy to change; the fields are only written before the copy is returned,
	 * so instances are immutable to their users.
	 */
	private ProviderReply copy() {
		ProviderReply copy = new ProviderReply();
		copy.text = this.text;
		copy.toolCalls = this.toolCalls;
		copy.errorStatus = this.errorStatus;
		copy.errorMessage = this.errorMessage;
		copy.delay = this.delay;
		copy.inputTokens = this.inputTokens;
		copy.outputTokens = this.outputTokens;
		copy.responseModel = this.responseModel;
		copy.truncated = this.truncated;
		copy.streamFailureAfter = this.streamFailureAfter;
		copy.dropStream = this.dropStream;
		copy.chunkDelay = this.chunkDelay;
		copy.afterToolResult = this.afterToolResult;
		copy.recordedBody = this.recordedBody;
		copy.recordedStatus = this.recordedStatus;
		copy.recordedEvents = this.recordedEvents;
		return copy;
	}

	/**
	 * Answer with a text. A streamed answer sends it word by word.
	 * @param text the assistant's text
	 * @return the reply
	 */
	public static ProviderReply text(String text) {
		Objects.requireNonNull(text, "text must not be null");
		ProviderReply reply = new ProviderReply();
		reply.text = text;
		return reply;
	}

	/**
	 * Answer with a recorded response as it is: the status and the JSON body a provider
	 * sent, e.g. to replay an exchange of a conformance vector. Only for non-streamed
	 * requests; the body is sent whatever API was called.
	 * @param status the HTTP status, 200 to 599
	 * @param jsonBody the body, a JSON document
	 * @return the reply
	 */
	public static ProviderReply recorded(int status, String jsonBody) {
		if (status < 200 || status > 599) {
			throw new IllegalArgumentException("Status must be between 200 and 599, was " + status);
		}
		Objects.requireNonNull(jsonBody, "jsonBody must not be null");
		ProviderReply reply = new ProviderReply();
		reply.recordedStatus = status;
		reply.recordedBody = jsonBody;
		return reply;
	}

	/**
	 * Answer with a recorded server-sent event stream as it is, one event at a time (each
	 * flushed, paced by {@link #chunkDelay(Duration)}), e.g. to replay the stream of a
	 * conformance vector; whatever API was called.
	 * @param events the events, each as its lines without the blank line that ends it,
	 * e.g. {@code event: response.created\ndata: {...}} or {@code data: [DONE]}
	 * @return the reply
	 */
	public static ProviderReply recordedStream(List<String> events) {
		Objects.requireNonNull(events, "events must not be null");
		ProviderReply reply = new ProviderReply();
		reply.recordedEvents = List.copyOf(events);
		return reply;
	}

	/**
	 * Answer with a recorded event stream given as each event's name and JSON data, sent
	 * in order as {@code text/event-stream} like {@link #recordedStream(List)}, e.g. to
	 * replay the streamed exchange of an Anthropic conformance vector.
	 * @param events the events, each its name (or {@code null} for none) and data
	 * @return the reply
	 */
	public static ProviderReply recordedEvents(List<Map.Entry<String, String>> events) {
		Objects.requireNonNull(events, "events must not be null");
		List<String> lines = new ArrayList<>(events.size());
		for (Map.Entry<String, String> event : events) {
			lines.add(((event.getKey() != null) ? "event: " + event.getKey() + "\n" : "") + "data: " + event.getValue());
		}
		return recordedStream(lines);
	}

	/**
	 * Answer with a call of one tool (an OpenAI function call, an Anthropic
	 * {@code tool_use} block). A streamed answer sends the arguments in pieces.
	 * @param name the tool's name
	 * @param argumentsJson the arguments, a JSON object
	 * @return the reply
	 */
	public static ProviderReply toolCall(String name, String argumentsJson) {
		ProviderReply reply = new ProviderReply();
		reply.toolCalls = List.of(new ToolCall(name, argumentsJson));
		return reply;
	}

	/**
	 * Answer with an HTTP error status and the provider's JSON error body, e.g.
	 * {@code {"error":{"message":…,"type":"rate_limit_error",…}}} for OpenAI and
	 * {@code {"type":"error","error":{"type":"rate_limit_error","message":…}}} for
	 * Anthropic. Note that provider SDKs retry 408, 409, 429 and 5xx answers unless told
	 * not to; enqueue the reply once per attempt, or make it the default reply.
	 * @param status the HTTP status, 400 to 599
	 * @param message the error message
	 * @return the reply
	 */
	public static ProviderReply error(int status, String message) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("Error status must be between 400 and 599, was " + status);
		}
		Objects.requireNonNull(message, "message must not be null");
		ProviderReply reply = new ProviderReply();
		reply.errorStatus = status;
		reply.errorMessage = message;
		return reply;
	}

	/**
	 * Return a copy that also calls another tool, in parallel with the calls already
	 * in this reply.
	 * @param name the tool's name
	 * @param argumentsJson the arguments, a JSON object
	 * @return the changed reply
	 */
	public ProviderReply andToolCall(String name, String argumentsJson) {
		requireNoError("andToolCall");
		List<ToolCall> calls = new ArrayList<>(this.toolCalls);
		calls.add(new ToolCall(name, argumentsJson));
		ProviderReply copy = copy();
		copy.toolCalls = List.copyOf(calls);
		return copy;
	}

	/**
	 * Return a copy that waits before answering. Only the thread serving this request
	 * waits; closing the server ends the wait.
	 * @param delay how long to wait before the response headers
	 * @return the changed reply
	 */
	public ProviderReply delay(Duration delay) {
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("Delay must not be negative, was " + delay);
		}
		ProviderReply copy = copy();
		copy.delay = delay;
		return copy;
	}

	/**
	 * Return a copy whose streamed answer waits before each content chunk but the first,
	 * so a test can act while a stream is under way: read the first chunk, then cancel.
	 * Closing the server ends the wait. A non-streamed answer is unaffected.
	 * @param delay how long to wait between content chunks
	 * @return the changed reply
	 */
	public ProviderReply chunkDelay(Duration delay) {
		requireNoError("chunkDelay");
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("Chunk delay must not be negative, was " + delay);
		}
		ProviderReply copy = copy();
		copy.chunkDelay = delay;
		return copy;
	}

	/**
	 * Return a copy that reports the given token usage. Without it a reply reports
	 * {@value #DEFAULT_INPUT_TOKENS} input and {@value #DEFAULT_OUTPUT_TOKENS} output
	 * tokens.
	 * @param inputTokens the prompt tokens
	 * @param outputTokens the completion tokens
	 * @return the changed reply
	 */
	public ProviderReply usage(int inputTokens, int outputTokens) {
		requireNoError("usage");
		if (inputTokens < 0 || outputTokens < 0) {
			throw new IllegalArgumentException("Token counts must not be negative");
		}
		ProviderReply copy = copy();
		copy.inputTokens = inputTokens;
		copy.outputTokens = outputTokens;
		return copy;
	}

	/**
	 * Return a copy that names another model in the response than the request asked
	 * for, as OpenAI does when it answers {@code gpt-4o} with a dated snapshot.
	 * @param model the response's model
	 * @return the changed reply
	 */
	public ProviderReply responseModel(String model) {
		requireNoError("responseModel");
		Objects.requireNonNull(model, "model must not be null");
		ProviderReply copy = copy();
		copy.responseModel = model;
		return copy;
	}

	/**
	 * Return a copy whose answer stops at the output token limit: finish reason
	 * {@code length} (OpenAI) or stop reason {@code max_tokens} (Anthropic).
	 * @return the changed reply
	 */
	public ProviderReply truncated() {
		requireNoError("truncated");
		ProviderReply copy = copy();
		copy.truncated = true;
		return copy;
	}

	/**
	 * Return a copy whose streamed answer fails after the given number of content
	 * chunks with the provider's in-stream error event ({@code data: {"error":…}} for
	 * OpenAI, {@code event: error} for Anthropic), then ends; a reply with fewer chunks
	 * fails just before its finish. A non-streamed answer is unaffected.
	 * @param chunks the content chunks sent before the error, at least 0
	 * @return the changed reply
	 */
	public ProviderReply failStreamAfter(int chunks) {
		requireNoError("failStreamAfter");
		if (chunks < 0) {
			throw new IllegalArgumentException("Chunks must not be negative, was " + chunks);
		}
		ProviderReply copy = copy();
		copy.streamFailureAfter = chunks;
		copy.dropStream = false;
		return copy;
	}

	/**
	 * Return a copy whose streamed answer breaks off after the given number of content
	 * chunks: the server closes the connection in the middle of the chunked body, as a
	 * network failure or a crashed proxy would, and every client sees an I/O error. A
	 * non-streamed answer is unaffected.
	 * @param chunks the content chunks sent before the connection drops, at least 0
	 * @return the changed reply
	 */
	public ProviderReply dropStreamAfter(int chunks) {
		ProviderReply copy = failStreamAfter(chunks);
		copy.dropStream = true;
		return copy;
	}

	/**
	 * Return a reply that answers like this one until a request carries a tool result
	 * (an OpenAI {@code tool} message, an Anthropic {@code tool_result} block), and like
	 * the given reply from then on. Made the {@link MockProviderServer#defaultReply
	 * default reply}, it scripts a whole tool-calling round trip on its own.
	 * @param next the reply to a request that carries a tool result
	 * @return the conditional reply
	 */
	public ProviderReply afterToolResult(ProviderReply next) {
		Objects.requireNonNull(next, "next must not be null");
		ProviderReply copy = copy();
		copy.afterToolResult = next;
		return copy;
	}

	private void requireNoError(String method) {
		if (isError()) {
			throw new IllegalStateException(method + " does not apply to an error reply");
		}
	}

	/**
	 * Pick the reply for a request: this one, or the one to send after a tool result.
	 */
	ProviderReply resolve(boolean requestHasToolResult) {
		if (requestHasToolResult && this.afterToolResult != null) {
			return this.afterToolResult.resolve(true);
		}
		return this;
	}

	@Nullable String textOrNull() {
		return this.text;
	}

	List<ToolCall> toolCalls() {
		return this.toolCalls;
	}

	@Nullable List<String> recordedEventsOrNull() {
		return this.recordedEvents;
	}

	@Nullable String recordedBodyOrNull() {
		return this.recordedBody;
	}

	int recordedStatus() {
		return this.recordedStatus;
	}

	boolean isError() {
		return this.errorStatus != 0;
	}

	int errorStatus() {
		return this.errorStatus;
	}

	@Nullable String errorMessage() {
		return this.errorMessage;
	}

	Duration delayDuration() {
		return this.delay;
	}

	Duration chunkDelayDuration() {
		return this.chunkDelay;
	}

	int inputTokens() {
		return this.inputTokens;
	}

	int outputTokens() {
		return this.outputTokens;
	}

	@Nullable String responseModelOrNull() {
		return this.responseModel;
	}

	boolean isTruncated() {
		return this.truncated;
	}

	/**
	 * The content chunks a stream sends before failing, or {@code -1} when it does not
	 * fail.
	 */
	int streamFailureAfter() {
		return this.streamFailureAfter;
	}

	/**
	 * Whether the scripted stream failure drops the connection rather than sending an
	 * error event.
	 */
	boolean dropsStream() {
		return this.dropStream;
	}

	@Override
	public String toString() {
		String description;
		if (isError()) {
			description = "error(" + this.errorStatus + ", " + this.errorMessage + ")";
		}
		else {
			description = ((this.text != null) ? "text(" + this.text + ")" : "")
					+ (this.toolCalls.isEmpty() ? "" : "toolCalls" + this.toolCalls);
		}
		return "ProviderReply." + description + ((this.afterToolResult != null)
				? ".afterToolResult(" + this.afterToolResult + ")" : "");
	}

	/**
	 * One tool call of a reply.
	 *
	 * @param name the tool's name
	 * @param argumentsJson the arguments, a JSON object
	 */
	record ToolCall(String name, String argumentsJson) {

		ToolCall {
			Objects.requireNonNull(name, "name must not be null");
			Objects.requireNonNull(argumentsJson, "argumentsJson must not be null");
			JsonNode arguments;
			try {
				arguments = JsonMapper.shared().readTree(argumentsJson);
			}
			catch (JacksonException ex) {
				arguments = null;
			}
			if (arguments == null || !arguments.isObject()) {
				throw new IllegalArgumentException("Tool arguments must be a JSON object, was " + argumentsJson);
			}
		}

	}

}
