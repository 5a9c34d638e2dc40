package com.fallom.springai;

import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.Arguments;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.SpanCalls;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The common part of the handlers that export the non-chat observations of an agent run
 * (tools, embeddings, vector stores, ChatClient and advisors) as spans of Fallom's private
 * tracer: each span's parent is the Fallom span of the enclosing observation, else the
 * application's current span, and it carries the Fallom session of the thread or, where a
 * stream runs on another thread, of the enclosing observation.
 *
 * @param <T> the type of observation context
 */
abstract class FallomSpanObservationHandler<T extends Observation.Context> implements ObservationHandler<T> {

	private static final Log logger = LogFactory.getLog(FallomSpanObservationHandler.class);

	private final Tracer tracer;

	private final boolean captureContent;

	private final int maxContentLength;

	private final AtomicBoolean failureLogged = new AtomicBoolean();

	FallomSpanObservationHandler(Tracer tracer, boolean captureContent) {
		this(tracer, captureContent, GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH);
	}

	FallomSpanObservationHandler(Tracer tracer, boolean captureContent, int maxContentLength) {
		Arguments.isTrue(maxContentLength > 0, "'maxContentLength' must be positive");
		this.tracer = tracer;
		this.captureContent = captureContent;
		this.maxContentLength = maxContentLength;
	}

	boolean isCaptureContent() {
		return this.captureContent;
	}

	/**
	 * Return the content writer of an observation's span, the same from start to stop,
	 * so that its bounds hold for the span as a whole. Only call with content capture on.
	 */
	GenAiAttributes.Content content(T context, Span span) {
		GenAiAttributes.Content content = context.get(GenAiAttributes.Content.class);
		if (content == null) {
			content = GenAiAttributes.content(span, this.maxContentLength);
			context.put(GenAiAttributes.Content.class, content);
		}
		return content;
	}

	@Override
	public void onStart(T context) {
		try {
			Span span = this.tracer.spanBuilder(spanName(context))
				.setParent(ParentSpans.parentOf(context))
				.setSpanKind(spanKind(context))
				.startSpan();
			span.setAttribute(SpanCalls.INTEGRATION, GenAiSpans.INTEGRATION);
			FallomSessionContext session = FallomSessionHolder.get();
			if (session == null) {
				session = ParentSpans.ofParent(context, FallomSessionContext.class);
			}
			if (session != null) {
				FallomSpanProcessor.tag(span, session);
				context.put(FallomSessionContext.class, session);
			}
			started(context, span);
			context.put(ParentSpans.SPAN_KEY, span);
		}
		catch (RuntimeException ex) {
			// Tracing must never fail the user's work.
			failed("start", ex);
		}
	}

	@Override
	public void onStop(T context) {
		try {
			Span span = context.get(ParentSpans.SPAN_KEY);
			if (span == null) {
				return;
			}
			String name = stoppedName(context);
			if (StringUtils.hasText(name)) {
				span.updateName(name);
			}
			stopped(context, span);
			Throwable error = context.getError();
			if (error != null) {
				GenAiAttributes.error(span, error, this.captureContent);
			}
			span.end();
		}
		catch (RuntimeException ex) {
			failed("stop", ex);
		}
	}

	abstract String spanName(T context);

	SpanKind spanKind(T context) {
		return SpanKind.INTERNAL;
	}

	/**
	 * Return the span's final name.
	 * @return the name, or {@code null} to keep the one it started with
	 */
	@Nullable String stoppedName(T context) {
		return null;
	}

	abstract void started(T context, Span span);

	abstract void stopped(T context, Span span);

	private void failed(String phase, RuntimeException ex) {
		if (this.failureLogged.compareAndSet(false, true)) {
			logger.warn("Fallom could not trace an observation (" + phase + "): " + ex
					+ "; the work itself is unaffected (logged once)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Fallom could not trace an observation (" + phase + ")", ex);
		}
	}

}
