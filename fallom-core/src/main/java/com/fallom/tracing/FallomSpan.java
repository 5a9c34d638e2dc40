package com.fallom.tracing;

import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.Arguments;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * A step of your own (a RAG retrieval, a pre- or post-processing step, any custom work)
 * timed and sent to Fallom inside the current session and run, as the TypeScript SDK's
 * {@code session.span(name, {kind})}: <pre class="code">
 * try (FallomSpan span = fallom.trace().startSpan("search-docs", FallomSpan.Kind.RETRIEVAL)) {
 *     span.setAttribute("documents", documents.size());
 *     ...
 * }
 * </pre> Spans and model calls started while it is open, on the same thread, are its
 * children. Sent once when closed, with {@code fallom.span_type: "manual"}; its input and
 * output only with content capture on, its attributes always (you choose them). Close it
 * on the thread that opened it.
 */
public final class FallomSpan implements AutoCloseable {

	/** What the step is, as the Fallom backend groups it. */
	public enum Kind {

		/** Anything else: the default. */
		CUSTOM(TracedCall.Kind.CUSTOM),
		/** A tool of your own. */
		TOOL(TracedCall.Kind.TOOL),
		/** A retrieval, e.g. a vector search. */
		RETRIEVAL(TracedCall.Kind.RETRIEVAL),
		/** Work before a model call. */
		PREPROCESSING(TracedCall.Kind.PREPROCESSING),
		/** Work after a model call. */
		POSTPROCESSING(TracedCall.Kind.POSTPROCESSING);

		private final TracedCall.Kind kind;

		Kind(TracedCall.Kind kind) {
			this.kind = kind;
		}

	}

	private final Span span;

	private final Scope scope;

	private final TracedCall call;

	private final boolean captureContent;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean detached = new AtomicBoolean();

	FallomSpan(Tracer tracer, String name, Kind kind, boolean captureContent) {
		Arguments.hasText(name, "'name' must not be empty");
		Arguments.notNull(kind, "'kind' must not be null");
		this.captureContent = captureContent;
		this.span = tracer.spanBuilder(name).startSpan();
		this.call = new TracedCall().kind(kind.kind, name).manual();
		FallomSessionContext session = FallomSessionHolder.get();
		if (session != null) {
			FallomSpanProcessor.tag(this.span, session);
			this.call.session(session);
		}
		this.span.setAttribute("fallom.span_type", "manual");
		TracedCalls.attach(this.span, this.call);
		this.scope = this.span.makeCurrent();
	}

	/**
	 * Set an attribute: a string, number, boolean, list or map.
	 * @param name the name
	 * @param value the value
	 * @return this span
	 */
	public FallomSpan setAttribute(String name, Object value) {
		Arguments.hasText(name, "'name' must not be empty");
		Arguments.notNull(value, "'value' must not be null");
		this.call.attribute(name, value);
		if (value instanceof Boolean bool) {
			this.span.setAttribute(name, bool);
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
			this.span.setAttribute(name, ((Number) value).longValue());
		}
		else if (value instanceof Double || value instanceof Float) {
			this.span.setAttribute(name, ((Number) value).doubleValue());
		}
		else {
			this.span.setAttribute(name, String.valueOf(value));
		}
		return this;
	}

	/**
	 * Set the step's input (content: sent only with content capture on).
	 * @param input a string, number, boolean, list or map
	 * @return this span
	 */
	public FallomSpan setInput(@Nullable Object input) {
		this.call.input(input);
		return this;
	}

	/**
	 * Set the step's output (content: sent only with content capture on).
	 * @param output a string, number, boolean, list or map
	 * @return this span
	 */
	public FallomSpan setOutput(@Nullable Object output) {
		this.call.output(output);
		return this;
	}

	/**
	 * Mark the step as failed; in privacy mode only the exception's type is sent.
	 * @param error the failure
	 * @return this span
	 */
	public FallomSpan setError(Throwable error) {
		Arguments.notNull(error, "'error' must not be null");
		this.call.error(error);
		GenAiAttributes.error(this.span, error, this.captureContent);
		return this;
	}

	/**
	 * Return the trace id, 32 lowercase hex characters (all zeros offline).
	 * @return the trace id
	 */
	public String traceId() {
		return this.span.getSpanContext().getTraceId();
	}

	/**
	 * Return the span id, 16 lowercase hex characters (all zeros offline).
	 * @return the span id
	 */
	public String spanId() {
		return this.span.getSpanContext().getSpanId();
	}

	/**
	 * Stop being the current span of the thread that opened it, leaving the step open: for
	 * a step that goes on asynchronously (a {@code CompletableFuture}, a {@code Mono}) and
	 * is closed on another thread when it completes. Call it on the thread that opened the
	 * span; detaching again does nothing.
	 * @return this span
	 */
	public FallomSpan detach() {
		if (this.detached.compareAndSet(false, true)) {
			this.scope.close();
		}
		return this;
	}

	/**
	 * End the step and send it; closing again does nothing. Close it on the thread that
	 * opened it, or {@link #detach() detach} it there first.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			detach();
			this.span.end();
		}
	}

}
