package com.fallom.anthropic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.Usage;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One traced {@code messages.create} call, from the caller's request to the last event of
 * its answer: the span that carries it, its description in the neutral model
 * ({@link TracedCall}), its attempts and, for a stream, the time to its first token and
 * the message its events add up to. Ends once, whichever way the call ends (answer,
 * error, end of stream, the caller closing the stream). Never throws at the caller:
 * tracing that fails leaves the call alone.
 */
final class MessageCall {

	private static final Log logger = LogFactory.getLog(MessageCall.class);

	private static final AtomicLong ids = new AtomicLong();

	private static final AtomicBoolean loggedFailure = new AtomicBoolean();

	/** Request fields the Python SDK's record keeps, as the caller gave them. */
	private static final List<String> REQUEST_FIELDS = List.of("messages", "system", "tools", "tool_choice");

	private final Span span;

	private final TracedCall traced;

	private final boolean captureContent;

	private final JsonMapper jsonMapper;

	private final String id;

	private final MessageCreateParams params;

	private final long startNanos = System.nanoTime();

	private final AtomicInteger attempts = new AtomicInteger();

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile long firstTokenNanos;

	private @Nullable MessageAccumulator accumulator;

	private MessageCall(FallomAnthropic owner, JsonMapper jsonMapper, MessageCreateParams params, boolean streaming,
			boolean async) {
		this.captureContent = owner.isCaptureContent();
		this.jsonMapper = jsonMapper;
		this.id = Long.toString(ids.incrementAndGet());
		String requested = params.model().asString();
		String model = owner.routedModel(requested);
		// A sync call's attempts all run on the calling thread, where AttemptCounter finds
		// the call; only an async call needs the header, and a copy of the parameters
		if (async || !model.equals(requested)) {
			MessageCreateParams.Builder sent = params.toBuilder();
			if (async) {
				sent.putAdditionalHeader(AttemptCounter.HEADER, this.id);
			}
			if (!model.equals(requested)) {
				sent.model(model);
			}
			this.params = sent.build();
		}
		else {
			this.params = params;
		}
		this.span = owner.tracer()
			.spanBuilder("chat " + model)
			.setParent(Context.current())
			.setSpanKind(SpanKind.CLIENT)
			.startSpan();
		this.span.setAttribute(GenAiAttributes.OPERATION_NAME, "chat");
		this.span.setAttribute(GenAiAttributes.SYSTEM, "anthropic");
		this.span.setAttribute(GenAiAttributes.REQUEST_MODEL, model);
		this.traced = TracedCalls.attach(this.span,
				new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.MESSAGES_CREATE).requestModel(model));
		// Read after routing: the assignment made the session carry its config version and variant
		FallomSessionContext session = FallomSessionHolder.get();
		if (session != null) {
			FallomSpanProcessor.tag(this.span, session);
			this.traced.session(session);
		}
		PromptContext prompt = PromptScope.current();
		if (prompt != null) {
			FallomSpanProcessor.tag(this.span, prompt);
			this.traced.prompt(prompt);
		}
		if (streaming) {
			this.span.setAttribute(GenAiAttributes.STREAMING, true);
			this.span.setAttribute(GenAiAttributes.IS_STREAMING, true);
			this.traced.streamed(null);
			this.accumulator = MessageAccumulator.create();
		}
		if (this.captureContent) {
			this.traced.providerRequest(request(params));
		}
		AttemptCounter.register(this.id, this);
	}

	/**
	 * Start tracing a call.
	 * @return the call, or {@code null} when tracing could not start: the call then goes
	 * through untraced
	 */
	static @Nullable MessageCall start(FallomAnthropic owner, JsonMapper jsonMapper, MessageCreateParams params,
			boolean streaming, boolean async) {
		try {
			return new MessageCall(owner, jsonMapper, params, streaming, async);
		}
		catch (RuntimeException | LinkageError ex) {
			logFailure(ex);
			return null;
		}
	}

	/**
	 * Return the parameters to send: the caller's, with the routed model and, for an async
	 * call, the header that lets {@link AttemptCounter} count its attempts.
	 */
	MessageCreateParams params() {
		return this.params;
	}

	void attempted() {
		this.attempts.incrementAndGet();
	}

	/**
	 * The call answered.
	 */
	void succeeded(Message message) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		try {
			response(message);
		}
		catch (RuntimeException ex) {
			logFailure(ex);
		}
		end();
	}

	/**
	 * The call failed, before or during its answer.
	 */
	void failed(Throwable error) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		try {
			this.traced.error(error);
			GenAiAttributes.error(this.span, error, this.captureContent);
		}
		catch (RuntimeException ex) {
			logFailure(ex);
		}
		end();
	}

	/**
	 * An event of a stream reached the caller.
	 */
	void event(RawMessageStreamEvent event) {
		try {
			if (this.firstTokenNanos == 0 && event.isContentBlockDelta()) {
				this.firstTokenNanos = System.nanoTime();
			}
			MessageAccumulator accumulator = this.accumulator;
			if (accumulator != null) {
				accumulator.accumulate(event);
			}
			if (event.isMessageStop()) {
				// The answer is whole: the record need not wait for the caller to drain or close
				streamEnded();
			}
		}
		catch (RuntimeException ex) {
			// Events the accumulator does not know (a newer API): the record keeps what came before
			this.accumulator = null;
			logFailure(ex);
		}
	}

	/**
	 * The stream ended without an error.
	 */
	void streamEnded() {
		Message message = null;
		try {
			MessageAccumulator accumulator = this.accumulator;
			message = (accumulator != null) ? accumulator.message() : null;
		}
		catch (RuntimeException ex) {
			// No message_stop: the stream was cut short; the record says what is known
		}
		if (message != null) {
			succeeded(message);
		}
		else if (this.ended.compareAndSet(false, true)) {
			end();
		}
	}

	/**
	 * The caller closed the stream before it ended.
	 */
	void cancelled() {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		GenAiAttributes.cancelled(this.span);
		end();
	}

	private void end() {
		AttemptCounter.unregister(this.id);
		try {
			this.traced.attempts(Math.max(1, this.attempts.get()));
			long first = this.firstTokenNanos;
			if (first != 0) {
				long timeToFirstToken = Math.max(0, (first - this.startNanos) / 1_000_000);
				this.span.setAttribute(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS, timeToFirstToken);
				this.traced.streamed(timeToFirstToken);
			}
		}
		catch (RuntimeException ex) {
			logFailure(ex);
		}
		this.span.end();
	}

	private Map<String, Object> request(MessageCreateParams params) {
		JsonNode body = this.jsonMapper.valueToTree(params._body());
		Map<String, Object> request = new LinkedHashMap<>();
		for (String field : REQUEST_FIELDS) {
			JsonNode value = body.get(field);
			if (value != null) {
				request.put(field, this.jsonMapper.convertValue(value, Object.class));
			}
		}
		return request;
	}

	private void response(Message message) {
		String model = message.model().asString();
		String stopReason = message.stopReason().map((reason) -> reason.asString()).orElse(null);
		this.span.setAttribute(GenAiAttributes.RESPONSE_MODEL, model);
		this.span.setAttribute(GenAiAttributes.RESPONSE_ID, message.id());
		if (stopReason != null) {
			this.span.setAttribute(GenAiAttributes.FINISH_REASONS, List.of(stopReason));
		}
		StringBuilder text = new StringBuilder();
		for (ContentBlock block : message.content()) {
			if (block.isText()) {
				String part = block.asText().text();
				text.append(part);
				this.traced.responseBlock(new TracedCall.ContentBlock("text", this.captureContent ? part : null, null));
			}
			else if (block.isToolUse()) {
				ToolUseBlock toolUse = block.asToolUse();
				this.traced.responseToolCall(new TracedCall.ToolCall(toolUse.id(), toolUse.name(),
						this.captureContent ? this.jsonMapper.valueToTree(toolUse._input()).toString() : null));
				this.traced.responseBlock(new TracedCall.ContentBlock("tool_use", null, toolUse.id()));
			}
			else if (this.captureContent) {
				// Thinking, server tools and blocks of newer APIs: their type and id, never their content
				JsonNode json = this.jsonMapper.valueToTree(block);
				JsonNode id = json.get("id");
				this.traced.responseBlock(new TracedCall.ContentBlock(json.path("type").asText("unknown"), null,
						(id != null && id.isTextual()) ? id.asText() : null));
			}
		}
		this.traced.response(model, this.captureContent ? text.toString() : null, stopReason, message.id());
		Usage usage = message.usage();
		int input = (int) usage.inputTokens();
		int output = (int) usage.outputTokens();
		GenAiAttributes.usage(this.span, input, output);
		this.traced.usage(new TracedCall.Usage(input, output, null));
	}

	private static void logFailure(Throwable ex) {
		if (loggedFailure.compareAndSet(false, true)) {
			logger.warn("Fallom could not trace an Anthropic call; the call is not affected (logged once)", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Fallom could not trace an Anthropic call", ex);
		}
	}

}
