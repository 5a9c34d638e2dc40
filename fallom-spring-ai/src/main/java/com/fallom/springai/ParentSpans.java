package com.fallom.springai;

import com.fallom.session.FallomSessionContext;
import com.fallom.tracing.FallomSpanProcessor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationView;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Finds the parent of a Fallom span: the current OpenTelemetry span, else the span that
 * Micrometer Tracing keeps for the nearest parent observation, so that a call made where
 * no context was propagated (a reactive chain without automatic context propagation)
 * still nests in the request's trace.
 */
final class ParentSpans {

	private static final boolean MICROMETER_TRACING_PRESENT = ClassUtils.isPresent(
			"io.micrometer.tracing.handler.TracingObservationHandler", ParentSpans.class.getClassLoader());

	/** The key of a Fallom span in its observation's context. */
	static final Object SPAN_KEY = ParentSpans.class;

	private ParentSpans() {
	}

	static Context parentOf(Observation.Context context) {
		Context current = Context.current();
		// The Fallom span of an enclosing observation first (the ChatClient call around a
		// tool or model call): Fallom's own spans nest, whatever the application traces.
		Span fallomParent = fallomSpanOfParent(context);
		if (fallomParent != null) {
			return current.with(fallomParent);
		}
		if (Span.fromContext(current).getSpanContext().isValid() || !MICROMETER_TRACING_PRESENT) {
			return current;
		}
		SpanContext parent = MicrometerTracing.spanOfParentObservation(context);
		return (parent != null) ? current.with(Span.wrap(parent)) : current;
	}

	static @Nullable Span fallomSpanOfParent(Observation.ContextView context) {
		ObservationView parent = context.getParentObservation();
		while (parent != null) {
			Observation.ContextView view = parent.getContextView();
			Span span = view.get(SPAN_KEY);
			if (span != null) {
				return span;
			}
			parent = view.getParentObservation();
		}
		return null;
	}

	/**
	 * Put the session a call decided on the Fallom spans of the enclosing observations: a
	 * ChatClient call starts before its advisor assigns a session, with none or with
	 * whatever the thread had.
	 * @param override whether the session replaces one an enclosing span already has, as
	 * the session an advisor decided for this very call does
	 */
	static void tagEnclosing(Observation.ContextView context, FallomSessionContext session, boolean override) {
		ObservationView parent = context.getParentObservation();
		while (parent != null) {
			Observation.ContextView view = parent.getContextView();
			Span span = view.get(SPAN_KEY);
			FallomSessionContext had = view.get(FallomSessionContext.class);
			if (span != null && (had == null || (override && !had.equals(session)))
					&& view instanceof Observation.Context writable) {
				FallomSpanProcessor.tag(span, session);
				writable.put(FallomSessionContext.class, session);
			}
			parent = view.getParentObservation();
		}
	}

	/**
	 * Return the value of the nearest enclosing observation that has one.
	 */
	static <T> @Nullable T ofParent(Observation.ContextView context, Class<T> type) {
		ObservationView parent = context.getParentObservation();
		while (parent != null) {
			Observation.ContextView view = parent.getContextView();
			T value = view.get(type);
			if (value != null) {
				return value;
			}
			parent = view.getParentObservation();
		}
		return null;
	}

	/**
	 * Kept apart so that Micrometer Tracing is loaded only when present.
	 */
	private static final class MicrometerTracing {

		static @Nullable SpanContext spanOfParentObservation(Observation.ContextView context) {
			ObservationView parent = context.getParentObservation();
			while (parent != null) {
				Observation.ContextView view = parent.getContextView();
				TracingObservationHandler.TracingContext tracing = view
					.get(TracingObservationHandler.TracingContext.class);
				if (tracing != null && tracing.getSpan() != null) {
					TraceContext trace = tracing.getSpan().context();
					return SpanContext.create(trace.traceId(), trace.spanId(),
							Boolean.TRUE.equals(trace.sampled()) ? TraceFlags.getSampled() : TraceFlags.getDefault(),
							TraceState.getDefault());
				}
				parent = view.getParentObservation();
			}
			return null;
		}

	}

}
