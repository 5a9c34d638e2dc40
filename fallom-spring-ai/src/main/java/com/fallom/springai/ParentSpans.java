package com.fallom.springai;

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

	private ParentSpans() {
	}

	static Context parentOf(Observation.Context context) {
		Context current = Context.current();
		if (Span.fromContext(current).getSpanContext().isValid() || !MICROMETER_TRACING_PRESENT) {
			return current;
		}
		SpanContext parent = MicrometerTracing.spanOfParentObservation(context);
		return (parent != null) ? current.with(Span.wrap(parent)) : current;
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
