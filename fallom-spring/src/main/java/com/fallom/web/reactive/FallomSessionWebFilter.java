package com.fallom.web.reactive;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import com.fallom.web.RequestObservations;
import com.fallom.web.SessionIdExtractor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * WebFlux filter that puts the Fallom session of each request, read by a
 * {@link SessionIdExtractor}, in the Reactor {@code Context} of the request under
 * {@link FallomSessionThreadLocalAccessor#KEY}. With
 * {@code spring.reactor.context-propagation=auto}, Reactor restores it as the current
 * thread's session in every operator of the request, so {@code FallomModels},
 * {@code FallomTrace} and Spring AI spans see it.
 */
public class FallomSessionWebFilter implements WebFilter, Ordered {

	/**
	 * Default order: early, before Spring Security's {@code WebFilterChainProxy}
	 * ({@code -100}) and other filters, so that all of them see the session. The server
	 * observation wraps the whole {@code HttpHandler}, so it is open already.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

	private final SessionIdExtractor extractor;

	private int order = DEFAULT_ORDER;

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 */
	public FallomSessionWebFilter(SessionIdExtractor extractor) {
		this.extractor = extractor;
	}

	/**
	 * Return the extractor, whose count of ignored session ids this filter feeds.
	 * @return the extractor
	 */
	public SessionIdExtractor getExtractor() {
		return this.extractor;
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	/**
	 * Set the order of this filter.
	 * @param order the order
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		FallomSessionContext session = this.extractor.extract(new ReactiveRequestValues(exchange.getRequest()));
		if (session != null) {
			ServerRequestObservationContext.findCurrent(exchange.getAttributes())
				.ifPresent((context) -> RequestObservations.tag(context, session));
		}
		Mono<Void> filtered = (session != null) ? chain.filter(exchange)
			.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY, session))
				: chain.filter(exchange);
		// FallomModels.get() and FallomTrace.setSession() set the thread-local without a scope.
		// Event-loop threads serve many requests: clear it at both ends of this one, so that
		// the next request on the thread does not inherit a session.
		return Mono.defer(() -> {
			FallomSessionHolder.clear();
			return filtered;
		}).doFinally((signal) -> FallomSessionHolder.clear());
	}

	private record ReactiveRequestValues(ServerHttpRequest request) implements SessionIdExtractor.RequestValues {

		@Override
		public @Nullable String header(String name) {
			return this.request.getHeaders().getFirst(name);
		}

		@Override
		public @Nullable String cookie(String name) {
			HttpCookie cookie = this.request.getCookies().getFirst(name);
			return (cookie != null) ? cookie.getValue() : null;
		}

		@Override
		public @Nullable String queryParameter(String name) {
			return this.request.getQueryParams().getFirst(name);
		}

	}

}
