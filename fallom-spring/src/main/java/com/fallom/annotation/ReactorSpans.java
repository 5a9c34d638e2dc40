package com.fallom.annotation;

import com.fallom.tracing.FallomSpan;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ends a manual span when a {@code Mono} or {@code Flux} result completes, fails or is
 * cancelled. Only loaded when Reactor is on the classpath.
 */
final class ReactorSpans {

	private ReactorSpans() {
	}

	static boolean isReactive(Object result) {
		return result instanceof Mono<?> || result instanceof Flux<?>;
	}

	static Object endOnCompletion(Object result, FallomSpan span) {
		if (result instanceof Mono<?> mono) {
			return mono.doOnError(span::setError).doFinally((signal) -> span.close());
		}
		return ((Flux<?>) result).doOnError(span::setError).doFinally((signal) -> span.close());
	}

}
