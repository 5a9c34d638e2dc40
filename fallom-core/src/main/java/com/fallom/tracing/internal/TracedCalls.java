package com.fallom.tracing.internal;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * Attaches a {@link TracedCall} to the OpenTelemetry span that carries it in process (for
 * its ids, parent and times), so that the record exporter finds it when the span ends.
 * Keyed weakly by the span object: a span that is never ended takes its call with it.
 * Internal API.
 */
public final class TracedCalls {

	private static final Map<Object, TracedCall> calls = Collections.synchronizedMap(new WeakHashMap<>());

	private TracedCalls() {
	}

	/**
	 * Attach a call to a span; a no-op span (offline, export off) takes none.
	 * @param span the span
	 * @param call the call
	 * @return the call
	 */
	public static TracedCall attach(Span span, TracedCall call) {
		if (span.getSpanContext().isValid()) {
			calls.put(span, call);
		}
		return call;
	}

	/**
	 * Return the call attached to a span.
	 * @param span the span
	 * @return the call, or {@code null}
	 */
	public static @Nullable TracedCall get(Object span) {
		return calls.get(span);
	}

	/**
	 * Detach and return the call of an ended span.
	 * @param span the span
	 * @return the call, or {@code null}
	 */
	static @Nullable TracedCall remove(Object span) {
		return calls.remove(span);
	}

}
