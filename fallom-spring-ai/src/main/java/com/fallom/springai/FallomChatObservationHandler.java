package com.fallom.springai;

import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.Arguments;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.SpanCalls;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.util.StringUtils;

/**
 * Turns every Spring AI chat model observation, call or stream, into a span of Fallom's
 * private tracer: provider, models, token counts, duration, errors and the Fallom
 * session, the managed prompt the request was made from (see {@link FallomPromptMessages}),
 * plus prompts and completions when content capture is on. A call that
 * {@link FallomAdvisor} decided carries that session, assignment and customer id, read
 * from the request rather than the thread, and a stream it advised its time to the first
 * chunk and whether the caller cancelled. The span's parent is
 * the application's current OpenTelemetry span, sampled or not, so it joins the
 * application's trace.
 * <p>
 * The session and parent are read on start, on the calling thread; a streamed call
 * stops on another thread, with the response Spring AI has aggregated.
 */
public class FallomChatObservationHandler implements ObservationHandler<ChatModelObservationContext> {

	private static final Log logger = LogFactory.getLog(FallomChatObservationHandler.class);

	/** The key of the span's start in the observation context, for a streamed call. */
	private static final Object START_NANOS_KEY = FallomChatObservationHandler.class;

	private final Tracer tracer;

	private final boolean captureContent;

	private final int maxContentLength;

	private final AtomicBoolean failureLogged = new AtomicBoolean();

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record prompt and completion text, tool-call
	 * arguments and tool results
	 */
	public FallomChatObservationHandler(Tracer tracer, boolean captureContent) {
		this(tracer, captureContent, GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH);
	}

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record prompt and completion text, tool-call
	 * arguments and tool results
	 * @param maxContentLength the most characters of one prompt message, completion or
	 * tool-call argument; longer ones are cut and the span marked
	 * {@code fallom.content_truncated}
	 */
	public FallomChatObservationHandler(Tracer tracer, boolean captureContent, int maxContentLength) {
		Arguments.isTrue(maxContentLength > 0, "'maxContentLength' must be positive");
		this.tracer = tracer;
		this.captureContent = captureContent;
		this.maxContentLength = maxContentLength;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ChatModelObservationContext;
	}

	@Override
	public void onStart(ChatModelObservationContext context) {
		try {
			start(context);
		}
		catch (RuntimeException ex) {
			// Tracing must never fail the user's chat call.
			failed("start", ex);
		}
	}

	@Override
	public void onStop(ChatModelObservationContext context) {
		try {
			stop(context);
		}
		catch (RuntimeException ex) {
			failed("stop", ex);
		}
	}

	private void failed(String phase, RuntimeException ex) {
		if (this.failureLogged.compareAndSet(false, true)) {
			logger.warn("Fallom could not trace a chat call (" + phase + "): " + ex
					+ "; the call itself is unaffected (logged once)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Fallom could not trace a chat call (" + phase + ")", ex);
		}
	}

	private void start(ChatModelObservationContext context) {
		// The tracing handler opens the observation's own span scope only after start, so
		// the current context is the span the chat call runs in: Fallom's span becomes its
		// sibling, in the same trace. Without one (a reactive call without automatic
		// context propagation), the span of the parent observation is the parent.
		Span span = this.tracer.spanBuilder(context.getOperationMetadata().operationType())
			.setParent(ParentSpans.parentOf(context))
			.setSpanKind(SpanKind.CLIENT)
			.startSpan();
		span.setAttribute(GenAiAttributes.OPERATION_NAME, context.getOperationMetadata().operationType());
		span.setAttribute(SpanCalls.INTEGRATION, GenAiSpans.INTEGRATION);
		// The trace record is written from this description of the call, the span's
		// attributes are what an OTLP export sends.
		TracedCall traced = TracedCalls.attach(span, SpringAiCalls.request(context.getRequest(), this.captureContent));
		context.put(TracedCall.class, traced);
		span.setAttribute(GenAiAttributes.SYSTEM, context.getOperationMetadata().provider());
		ChatOptions options = context.getRequest().getOptions();
		if (options != null && options.getModel() != null) {
			span.setAttribute(GenAiAttributes.REQUEST_MODEL, options.getModel());
		}
		if (context.isStreaming()) {
			span.setAttribute(GenAiAttributes.STREAMING, true);
			span.setAttribute(GenAiAttributes.IS_STREAMING, true);
		}
		// What FallomAdvisor decided for this very request wins over the thread's session.
		CallMetadata call = CallMetadata.of(context.getRequest());
		boolean decided = call != null && call.session() != null;
		FallomSessionContext session = decided ? call.session() : FallomSessionHolder.get();
		if (session != null) {
			FallomSpanProcessor.tag(span, session);
			context.put(FallomSessionContext.class, session);
			ParentSpans.tagEnclosing(context, session, decided);
		}
		if (call != null && call.customerId() != null) {
			span.setAttribute(GenAiSpans.CUSTOMER_ID, call.customerId());
		}
		if (session != null) {
			traced.session((call != null && call.customerId() != null) ? session.withCustomerId(call.customerId())
					: session);
		}
		if (context.isStreaming() && call != null) {
			StreamedCall streamed = StreamedCall.claim(call.callId());
			if (streamed != null) {
				context.put(StreamedCall.class, streamed);
				context.put(START_NANOS_KEY, System.nanoTime());
			}
		}
		// From the request itself, not from a thread or a global: concurrent requests and
		// a later call of the same request without the prompt are each tagged right.
		PromptContext prompt = FallomPromptMessages.contextOf(context.getRequest());
		if (prompt != null) {
			FallomSpanProcessor.tag(span, prompt);
			traced.prompt(prompt);
		}
		if (this.captureContent) {
			// One writer from start to stop: the prompt leaves room for the completions.
			GenAiAttributes.Content content = GenAiAttributes.content(span, this.maxContentLength);
			context.put(GenAiAttributes.Content.class, content);
			GenAiSpans.prompt(content, context.getRequest().getInstructions());
		}
		context.put(ParentSpans.SPAN_KEY, span);
	}

	private void stop(ChatModelObservationContext context) {
		Span span = context.get(ParentSpans.SPAN_KEY);
		if (span == null) {
			return;
		}
		String name = context.getContextualName();
		if (StringUtils.hasText(name)) {
			span.updateName(name);
		}
		ChatResponse response = context.getResponse();
		TracedCall traced = context.get(TracedCall.class);
		if (response != null && traced != null) {
			SpringAiCalls.response(traced, response, this.captureContent);
		}
		if (response != null) {
			String model = response.getMetadata().getModel();
			if (StringUtils.hasText(model)) {
				span.setAttribute(GenAiAttributes.RESPONSE_MODEL, model);
			}
			GenAiSpans.usage(span, response.getMetadata().getUsage());
			GenAiSpans.responseIdAndFinishReason(span, response);
			if (this.captureContent) {
				GenAiAttributes.Content content = context.get(GenAiAttributes.Content.class);
				GenAiSpans.completions((content != null) ? content : GenAiAttributes.content(span, this.maxContentLength),
						response);
			}
		}
		StreamedCall streamed = context.get(StreamedCall.class);
		Long timeToFirstToken = null;
		if (streamed != null) {
			long firstChunk = streamed.firstChunkNanos();
			Long start = context.get(START_NANOS_KEY);
			if (firstChunk != 0 && start != null) {
				timeToFirstToken = Math.max(0, (firstChunk - start) / 1_000_000);
				span.setAttribute(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS, timeToFirstToken);
			}
		}
		if (traced != null && context.isStreaming()) {
			traced.streamed(timeToFirstToken);
		}
		Throwable error = context.getError();
		if (streamed != null && streamed.isCancelled() && error == null) {
			GenAiAttributes.cancelled(span);
		}
		if (error != null) {
			GenAiAttributes.error(span, error, this.captureContent);
		}
		span.end();
	}

}
