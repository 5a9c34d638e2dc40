package com.fallom.annotation;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

/**
 * Makes a {@code Mono} or {@code Flux} result carry a session. Only loaded when Reactor
 * is on the classpath, so that {@code @FallomSession} works without it.
 */
final class ReactorSessionScopes {

	private ReactorSessionScopes() {
	}

	static Object scope(Object result, FallomSessionContext session) {
		// The Context reaches every operator of the result (thread-locals restored from it
		// with spring.reactor.context-propagation=auto); the thread-local set around
		// subscribe covers sources that run synchronously there, such as fromCallable,
		// without that setting.
		if (result instanceof Mono<?> mono) {
			return new SessionMono<>(mono.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY,
					session)), session);
		}
		if (result instanceof Flux<?> flux) {
			return new SessionFlux<>(flux.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY,
					session)), session);
		}
		return result;
	}

	private static final class SessionMono<T> extends MonoOperator<T, T> {

		private final FallomSessionContext session;

		SessionMono(Mono<? extends T> source, FallomSessionContext session) {
			super(source);
			this.session = session;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			try {
				this.source.subscribe(actual);
			}
			finally {
				FallomSessionHolder.set(previous);
			}
		}

	}

	private static final class SessionFlux<T> extends FluxOperator<T, T> {

		private final FallomSessionContext session;

		SessionFlux(Flux<? extends T> source, FallomSessionContext session) {
			super(source);
			this.session = session;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			try {
				this.source.subscribe(actual);
			}
			finally {
				FallomSessionHolder.set(previous);
			}
		}

	}

}
