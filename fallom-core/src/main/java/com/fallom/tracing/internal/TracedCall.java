package com.fallom.tracing.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import org.jspecify.annotations.Nullable;

/**
 * One traced step (a model call, a tool execution, a retrieval, a run, a manual span)
 * described in neutral terms: what was asked, what came back, usage, timings, session,
 * prompt and outcome. Integrations (Spring AI, LangChain4j, manual spans) fill it;
 * {@link TraceRecordMapper} alone turns it into the wire format, so no integration
 * knows a record field name. Filled by one thread at a time (the call's own), read by
 * the export thread once the span has ended. Internal API.
 */
public final class TracedCall {

	/** What a traced step is, as the Fallom backend groups it. */
	public enum Kind {

		/** A model call. */
		LLM("llm"),
		/** A tool execution. */
		TOOL("tool"),
		/** A vector store query or retriever run. */
		RETRIEVAL("retrieval"),
		/** An embedding call. */
		EMBEDDING("embedding"),
		/** A run that contains other steps: ChatClient call, advisor, AiServices. */
		CHAIN("chain"),
		/** An agent run. */
		AGENT("agent"),
		/** A manual pre-processing step. */
		PREPROCESSING("preprocessing"),
		/** A manual post-processing step. */
		POSTPROCESSING("postprocessing"),
		/** Anything else. */
		CUSTOM("custom");

		private final String wireName;

		Kind(String wireName) {
			this.wireName = wireName;
		}

		/**
		 * Return the kind as the backend names it.
		 * @return the name, e.g. {@code llm}
		 */
		public String wireName() {
			return this.wireName;
		}

		/**
		 * Return the kind of a wire name.
		 * @param wireName the name, e.g. {@code retrieval}
		 * @return the kind
		 * @throws IllegalArgumentException when no kind has that name
		 */
		public static Kind ofWireName(String wireName) {
			for (Kind kind : values()) {
				if (kind.wireName.equals(wireName)) {
					return kind;
				}
			}
			throw new IllegalArgumentException("Unknown span kind '" + wireName + "'");
		}

	}

	/**
	 * One part of a multi-part message.
	 *
	 * @param type {@code text} or {@code image_url}
	 * @param text the text of a text part
	 * @param url the URL of an image part
	 * @param detail the detail of an image part, or {@code null}
	 */
	public record ContentPart(String type, @Nullable String text, @Nullable String url, @Nullable String detail) {

		/**
		 * Return a text part.
		 * @param text the text
		 * @return the part
		 */
		public static ContentPart text(String text) {
			return new ContentPart("text", text, null, null);
		}

		/**
		 * Return an image part.
		 * @param url the image's URL (may be a data URL)
		 * @param detail the detail, or {@code null}
		 * @return the part
		 */
		public static ContentPart image(String url, @Nullable String detail) {
			return new ContentPart("image_url", null, url, detail);
		}

	}

	/**
	 * A tool call a model made.
	 *
	 * @param id the call's id, or {@code null}
	 * @param name the tool's name
	 * @param arguments the arguments as the provider sent them, usually a JSON string
	 */
	public record ToolCall(@Nullable String id, String name, @Nullable String arguments) {
	}

	/**
	 * One message of a conversation.
	 *
	 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
	 * @param content the text, or {@code null}
	 * @param parts the parts of a multi-part message, or {@code null}
	 * @param toolCalls the tool calls of an assistant message, possibly empty
	 * @param toolCallId the call a tool message answers, or {@code null}
	 */
	public record Message(String role, @Nullable String content, @Nullable List<ContentPart> parts,
			List<ToolCall> toolCalls, @Nullable String toolCallId) {

		/**
		 * Return a plain text message.
		 * @param role the role
		 * @param content the text, or {@code null}
		 * @return the message
		 */
		public static Message of(String role, @Nullable String content) {
			return new Message(role, content, null, List.of(), null);
		}

	}

	/**
	 * A tool offered to the model.
	 *
	 * @param name the tool's name
	 * @param description the description, or {@code null}
	 * @param parametersSchema the JSON schema of the parameters, as JSON text, or {@code null}
	 */
	public record ToolSpec(String name, @Nullable String description, @Nullable String parametersSchema) {
	}

	/**
	 * Token counts; each {@code null} when unknown.
	 *
	 * @param promptTokens input tokens
	 * @param completionTokens output tokens
	 * @param totalTokens all tokens, or {@code null} to add the other two
	 */
	public record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens,
			@Nullable Integer totalTokens) {
	}

	/**
	 * When a tool of a run ran, measured.
	 *
	 * @param id the tool call's id, or {@code null}
	 * @param name the tool's name
	 * @param startMs the start, in milliseconds (to the microsecond) from the start of the
	 * traced step
	 * @param durationMs how long it ran, in milliseconds (to the microsecond): a tool that
	 * runs in process often takes less than one
	 */
	public record ToolTiming(@Nullable String id, @Nullable String name, double startMs, double durationMs) {
	}

	/**
	 * The provider API whose raw request and response shapes the record of a model call
	 * takes.
	 */
	public enum Api {

		/** OpenAI Chat Completions, the shape of every framework's chat call. */
		CHAT_COMPLETIONS,
		/** The OpenAI Responses API. */
		RESPONSES

	}

	/**
	 * One content block of an answer in the provider's own terms, for APIs whose records
	 * list them (Anthropic Messages: {@code text}, {@code tool_use}, {@code thinking}...).
	 *
	 * @param type the block's type
	 * @param text the text of a text block, else {@code null}
	 * @param id the id of a tool-use block, else {@code null}
	 */
	public record ContentBlock(String type, @Nullable String text, @Nullable String id) {
	}

	Kind kind = Kind.LLM;

	Api api = Api.CHAT_COMPLETIONS;

	String name = "chat.completions.create";

	@Nullable String integration;

	boolean manual;

	// Ids, lowercase hex

	@Nullable String traceId;

	@Nullable String spanId;

	@Nullable String parentSpanId;

	long startEpochMillis;

	long endEpochMillis;

	// Session

	@Nullable String configKey;

	@Nullable String sessionId;

	@Nullable String customerId;

	@Nullable Map<String, ?> metadata;

	@Nullable List<String> tags;

	// Prompt

	@Nullable String promptKey;

	@Nullable Integer promptVersion;

	@Nullable String promptAbTestKey;

	@Nullable Integer promptVariantIndex;

	// Request

	@Nullable String requestModel;

	final List<Message> messages = new ArrayList<>();

	final List<ToolSpec> tools = new ArrayList<>();

	@Nullable Object toolChoice;

	@Nullable Object input;

	@Nullable Map<String, ?> providerRequest;

	// Response

	@Nullable String responseModel;

	@Nullable String responseText;

	@Nullable String finishReason;

	@Nullable String responseId;

	final List<ToolCall> responseToolCalls = new ArrayList<>();

	final List<ContentBlock> responseBlocks = new ArrayList<>();

	@Nullable Object output;

	@Nullable String responseStatus;

	@Nullable Usage usage;

	// Timings

	final List<ToolTiming> toolTimings = new ArrayList<>();

	boolean streaming;

	@Nullable Long timeToFirstTokenMs;

	int attempts = 1;

	// Outcome

	@Nullable String errorType;

	@Nullable String errorMessage;

	@Nullable Map<String, Object> attributes;

	/**
	 * Set the kind and the name of the step, e.g. {@code LLM} and
	 * {@code chat.completions.create}.
	 * @param kind the kind
	 * @param name the name, also sent as {@code fallom.method}
	 * @return this call
	 */
	public TracedCall kind(Kind kind, String name) {
		this.kind = kind;
		this.name = name;
		return this;
	}

	/**
	 * Set the provider API whose raw shapes the record of a model call takes; Chat
	 * Completions unless set.
	 * @param api the API
	 * @return this call
	 */
	public TracedCall api(Api api) {
		this.api = api;
		return this;
	}

	/**
	 * Set the request body as the provider's own API names it, for an integration that
	 * sees the provider's request (a provider SDK): the record's raw request then copies
	 * the fields the Python SDK copies from it as they are (Chat Completions, Responses,
	 * Anthropic Messages' {@code messages}, {@code system}, {@code tools},
	 * {@code tool_choice}), instead of rebuilding them from the messages and tools.
	 * @param body the body as plain values (maps, lists, strings, numbers, booleans), or
	 * {@code null}
	 * @return this call
	 */
	public TracedCall providerRequest(@Nullable Map<String, ?> body) {
		this.providerRequest = body;
		return this;
	}

	/**
	 * Set the status of a Responses API answer, e.g. {@code completed}.
	 * @param status the status or {@code null}
	 * @return this call
	 */
	public TracedCall responseStatus(@Nullable String status) {
		this.responseStatus = status;
		return this;
	}

	/**
	 * Set the integration that made the call, e.g. {@code spring-ai}.
	 * @param integration the integration or {@code null}
	 * @return this call
	 */
	public TracedCall integration(@Nullable String integration) {
		this.integration = integration;
		return this;
	}

	/**
	 * Mark the step as a manual span.
	 * @return this call
	 */
	public TracedCall manual() {
		this.manual = true;
		return this;
	}

	/**
	 * Set the ids.
	 * @param traceId 32 lowercase hex characters
	 * @param spanId 16 lowercase hex characters
	 * @param parentSpanId 16 lowercase hex characters, or {@code null} for a root
	 * @return this call
	 */
	public TracedCall ids(String traceId, String spanId, @Nullable String parentSpanId) {
		this.traceId = traceId;
		this.spanId = spanId;
		this.parentSpanId = parentSpanId;
		return this;
	}

	/**
	 * Set the start and end.
	 * @param startEpochMillis the start, in milliseconds since the epoch
	 * @param endEpochMillis the end, in milliseconds since the epoch
	 * @return this call
	 */
	public TracedCall times(long startEpochMillis, long endEpochMillis) {
		this.startEpochMillis = startEpochMillis;
		this.endEpochMillis = endEpochMillis;
		return this;
	}

	/**
	 * Set the session.
	 * @param configKey the config key, or {@code null}
	 * @param sessionId the session id, or {@code null}
	 * @param customerId the customer id, or {@code null}
	 * @param metadata the metadata, or {@code null}
	 * @param tags the tags, or {@code null}
	 * @return this call
	 */
	public TracedCall session(@Nullable String configKey, @Nullable String sessionId, @Nullable String customerId,
			@Nullable Map<String, ?> metadata, @Nullable List<String> tags) {
		this.configKey = configKey;
		this.sessionId = sessionId;
		this.customerId = customerId;
		this.metadata = metadata;
		this.tags = tags;
		return this;
	}

	/**
	 * Set the session from a session context.
	 * @param session the session
	 * @return this call
	 */
	public TracedCall session(FallomSessionContext session) {
		// The SDKs omit metadata and tags a session was not given
		return session(session.configKey(), session.sessionId(), session.customerId(),
				session.metadata().isEmpty() ? null : session.metadata(), session.tags().isEmpty() ? null : session.tags());
	}

	/**
	 * Set the managed prompt the call used.
	 * @param promptKey the prompt's key
	 * @param promptVersion its version
	 * @param abTestKey the prompt A/B test's key, or {@code null}
	 * @param variantIndex the A/B test variant's index, or {@code null}
	 * @return this call
	 */
	public TracedCall prompt(String promptKey, @Nullable Integer promptVersion, @Nullable String abTestKey,
			@Nullable Integer variantIndex) {
		this.promptKey = promptKey;
		this.promptVersion = promptVersion;
		this.promptAbTestKey = abTestKey;
		this.promptVariantIndex = variantIndex;
		return this;
	}

	/**
	 * Set the managed prompt the call used.
	 * @param prompt the prompt context
	 * @return this call
	 */
	public TracedCall prompt(PromptContext prompt) {
		return prompt(prompt.promptKey(), prompt.promptVersion(), prompt.abTestKey(), prompt.variantIndex());
	}

	/**
	 * Set the model asked for.
	 * @param model the model, or {@code null}
	 * @return this call
	 */
	public TracedCall requestModel(@Nullable String model) {
		this.requestModel = model;
		return this;
	}

	/**
	 * Add a message of the request.
	 * @param message the message
	 * @return this call
	 */
	public TracedCall message(Message message) {
		this.messages.add(message);
		return this;
	}

	/**
	 * Add a tool offered to the model.
	 * @param tool the tool
	 * @return this call
	 */
	public TracedCall tool(ToolSpec tool) {
		this.tools.add(tool);
		return this;
	}

	/**
	 * Set how the model was told to choose tools: a string such as {@code auto}, or a map.
	 * @param toolChoice the choice or {@code null}
	 * @return this call
	 */
	public TracedCall toolChoice(@Nullable Object toolChoice) {
		this.toolChoice = toolChoice;
		return this;
	}

	/**
	 * Set the input of a step that is not a chat call (a tool's arguments, a query, a
	 * run's input): a string, number, boolean, list or map.
	 * @param input the input or {@code null}
	 * @return this call
	 */
	public TracedCall input(@Nullable Object input) {
		this.input = input;
		return this;
	}

	/**
	 * Add a content block of the answer, in the provider's own terms.
	 * @param block the block
	 * @return this call
	 */
	public TracedCall responseBlock(ContentBlock block) {
		this.responseBlocks.add(block);
		return this;
	}

	/**
	 * Set what the model answered.
	 * @param model the model that answered, or {@code null}
	 * @param text the text, or {@code null}
	 * @param finishReason why it stopped, or {@code null}
	 * @param responseId the provider's id of the response, or {@code null}
	 * @return this call
	 */
	public TracedCall response(@Nullable String model, @Nullable String text, @Nullable String finishReason,
			@Nullable String responseId) {
		this.responseModel = model;
		this.responseText = text;
		this.finishReason = finishReason;
		this.responseId = responseId;
		return this;
	}

	/**
	 * Add a tool call of the answer.
	 * @param toolCall the tool call
	 * @return this call
	 */
	public TracedCall responseToolCall(ToolCall toolCall) {
		this.responseToolCalls.add(toolCall);
		return this;
	}

	/**
	 * Set the output of a step that is not a chat call: a string, number, boolean, list
	 * or map; for a Responses API call, the answer's output items as the provider sent
	 * them.
	 * @param output the output or {@code null}
	 * @return this call
	 */
	public TracedCall output(@Nullable Object output) {
		this.output = output;
		return this;
	}

	/**
	 * Set the token counts.
	 * @param usage the usage or {@code null}
	 * @return this call
	 */
	public TracedCall usage(@Nullable Usage usage) {
		this.usage = usage;
		return this;
	}

	/**
	 * Add the measured timing of a tool the run executed.
	 * @param timing the timing
	 * @return this call
	 */
	public TracedCall toolTiming(ToolTiming timing) {
		this.toolTimings.add(timing);
		return this;
	}

	/**
	 * Mark the call as streamed.
	 * @param timeToFirstTokenMs milliseconds to the first token, or {@code null} when none came
	 * @return this call
	 */
	public TracedCall streamed(@Nullable Long timeToFirstTokenMs) {
		this.streaming = true;
		this.timeToFirstTokenMs = timeToFirstTokenMs;
		return this;
	}

	/**
	 * Set how many HTTP attempts the call took, counting the client's retries; the record
	 * says so only when there was more than one.
	 * @param attempts the attempts, 1 or more
	 * @return this call
	 */
	public TracedCall attempts(int attempts) {
		this.attempts = attempts;
		return this;
	}

	/**
	 * Mark the step as failed.
	 * @param error the failure
	 * @return this call
	 */
	public TracedCall error(Throwable error) {
		return error(error.getClass().getName(), error.getMessage());
	}

	/**
	 * Mark the step as failed.
	 * @param type the failure's type, sent in privacy mode
	 * @param message the failure's message, content sent only with content capture on,
	 * or {@code null}
	 * @return this call
	 */
	public TracedCall error(String type, @Nullable String message) {
		this.errorType = type;
		this.errorMessage = message;
		return this;
	}

	/**
	 * Set an attribute of a manual span: a string, number, boolean, list or map.
	 * @param name the name
	 * @param value the value
	 * @return this call
	 */
	public TracedCall attribute(String name, Object value) {
		if (this.attributes == null) {
			this.attributes = new LinkedHashMap<>();
		}
		this.attributes.put(name, value);
		return this;
	}

	/**
	 * Return the kind.
	 * @return the kind
	 */
	public Kind kind() {
		return this.kind;
	}

	/**
	 * Return the name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Whether the step failed.
	 * @return whether an error was set
	 */
	public boolean isError() {
		return this.errorType != null;
	}

}
