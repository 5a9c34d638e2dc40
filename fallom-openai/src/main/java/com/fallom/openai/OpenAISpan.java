package com.fallom.openai;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.SpanCalls;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * One traced SDK call: its span of Fallom's private tracer, which carries the call's
 * {@link TracedCall} to the record exporter, started on the caller's thread (parent,
 * session and prompt are read there) and ended once, by the answer, the failure or the
 * end of the stream, on whichever thread that happens.
 */
final class OpenAISpan {

	private final Span span;

	private final TracedCall call;

	private final TracedCall.Api api;

	private final boolean captureContent;

	private final long startNanos = System.nanoTime();

	private final AtomicBoolean ended = new AtomicBoolean();

	private OpenAISpan(Span span, TracedCall call, TracedCall.Api api, boolean captureContent) {
		this.span = span;
		this.call = call;
		this.api = api;
		this.captureContent = captureContent;
	}

	static OpenAISpan start(FallomOpenAI owner, OpenAICalls.Request request, boolean streaming) {
		TracedCall call = request.call();
		String model = request.model();
		Span span = owner.tracer()
			.spanBuilder((model != null) ? "chat " + model : "chat")
			.setParent(Context.current())
			.setSpanKind(SpanKind.CLIENT)
			.startSpan();
		span.setAttribute(GenAiAttributes.OPERATION_NAME, "chat");
		span.setAttribute(GenAiAttributes.SYSTEM, "openai");
		span.setAttribute(SpanCalls.INTEGRATION, "openai");
		if (model != null) {
			span.setAttribute(GenAiAttributes.REQUEST_MODEL, model);
		}
		TracedCalls.attach(span, call);
		FallomSessionContext session = FallomSessionHolder.get();
		if (session != null) {
			FallomSpanProcessor.tag(span, session);
			call.session(session);
		}
		PromptContext prompt = FallomOpenAI.currentPrompt();
		if (prompt != null) {
			FallomSpanProcessor.tag(span, prompt);
			call.prompt(prompt);
		}
		if (streaming) {
			span.setAttribute(GenAiAttributes.STREAMING, true);
			span.setAttribute(GenAiAttributes.IS_STREAMING, true);
			call.streamed(null);
		}
		return new OpenAISpan(span, call, request.api(), owner.isCaptureContent());
	}

	/**
	 * End with the SDK's answer (a {@code ChatCompletion} or a {@code Response}) or its
	 * failure.
	 */
	void complete(@Nullable Object result, @Nullable Throwable error, AttemptCounter attempts) {
		attempts(attempts);
		if (error != null) {
			fail(error);
			return;
		}
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		try {
			if (result != null) {
				attributes(OpenAICalls.response(this.call, result, this.captureContent));
			}
		}
		catch (RuntimeException ex) {
			// An answer this module cannot read is still a call that worked
			this.span.setAttribute("fallom.openai.unreadable_response", ex.getClass().getName());
		}
		this.span.end();
	}

	/**
	 * End as failed.
	 */
	void fail(Throwable error, AttemptCounter attempts) {
		attempts(attempts);
		fail(error);
	}

	void fail(Throwable error) {
		if (this.ended.compareAndSet(false, true)) {
			failed(error);
		}
	}

	private void failed(Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
				: error;
		GenAiAttributes.error(this.span, cause, this.captureContent);
		this.call.error(cause);
		this.span.end();
	}

	/**
	 * End a stream: with what it carried, as failed, or as cancelled when the caller
	 * closed it before its end.
	 */
	void endStream(OpenAICalls.StreamState state, @Nullable Throwable error, boolean cancelled) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		long firstToken = state.firstTokenNanos();
		Long timeToFirstToken = (firstToken != 0) ? Math.max(0, (firstToken - this.startNanos) / 1_000_000) : null;
		this.call.streamed(timeToFirstToken);
		if (timeToFirstToken != null) {
			this.span.setAttribute(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS, timeToFirstToken);
		}
		if (error != null) {
			failed(error);
			return;
		}
		try {
			attributes(state.finish(this.call, this.captureContent));
		}
		catch (RuntimeException ex) {
			this.span.setAttribute("fallom.openai.unreadable_response", ex.getClass().getName());
		}
		if (cancelled) {
			GenAiAttributes.cancelled(this.span);
		}
		this.span.end();
	}

	/**
	 * Take the attempts of the call; a stream's are all made once it is handed over.
	 */
	void attempts(AttemptCounter attempts) {
		if (!this.ended.get()) {
			this.call.attempts(attempts.attempts());
		}
	}

	OpenAICalls.StreamState newStreamState() {
		return OpenAICalls.streamState(this.api);
	}

	/** The OTLP attributes of the answer, for the OTLP protocol; the record reads the call. */
	private void attributes(OpenAICalls.Answer answer) {
		if (answer.model() != null) {
			this.span.setAttribute(GenAiAttributes.RESPONSE_MODEL, answer.model());
		}
		if (answer.id() != null) {
			this.span.setAttribute(GenAiAttributes.RESPONSE_ID, answer.id());
		}
		if (answer.finishReason() != null) {
			this.span.setAttribute(GenAiAttributes.FINISH_REASONS, List.of(answer.finishReason()));
		}
		if (answer.usage() != null) {
			GenAiAttributes.usage(this.span, answer.usage().promptTokens(), answer.usage().completionTokens());
		}
	}

}
