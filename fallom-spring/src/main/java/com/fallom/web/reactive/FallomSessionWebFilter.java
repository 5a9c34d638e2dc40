package com.fallom.web.reactive;

import java.security.Principal;
import java.util.Map;

import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomCustomerThreadLocalAccessor;
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
 * {@code FallomTrace} and Spring AI spans see it. The customer id comes from a header, or
 * from the principal's name when so configured; the targeting fields from a
 * {@link ReactiveFallomContextResolver}. A request without a session id whose customer is
 * known gets a {@link FallomCustomerContext} instead, under
 * {@link FallomCustomerThreadLocalAccessor#KEY}: the sessions its code starts belong to
 * that customer.
 */
public class FallomSessionWebFilter implements WebFilter, Ordered {

	/**
	 * Default order: early, before Spring Security's {@code WebFilterChainProxy}
	 * ({@code -100}) and other filters, so that all of them see the session. The server
	 * observation wraps the whole {@code HttpHandler}, so it is open already.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

	/**
	 * Order when the customer id comes from the principal: right after Spring Security's
	 * {@code WebFilterChainProxy} ({@code -100}), whose exchange answers
	 * {@code getPrincipal()} with the authenticated user.
	 */
	public static final int PRINCIPAL_ORDER = -99;

	private static final FallomCustomerContext NO_CUSTOMER = new FallomCustomerContext(null, Map.of());

	private final SessionIdExtractor extractor;

	private final boolean customerIdFromPrincipal;

	private final @Nullable ReactiveFallomContextResolver contextResolver;

	private int order;

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 */
	public FallomSessionWebFilter(SessionIdExtractor extractor) {
		this(extractor, false);
	}

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 * @param customerIdFromPrincipal whether the name of the exchange's principal, when
	 * there is one, is the customer id (it wins over the customer id header); the order
	 * is then {@link #PRINCIPAL_ORDER}
	 */
	public FallomSessionWebFilter(SessionIdExtractor extractor, boolean customerIdFromPrincipal) {
		this(extractor, customerIdFromPrincipal, null);
	}

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 * @param customerIdFromPrincipal whether the name of the exchange's principal, when
	 * there is one, is the customer id (it wins over the customer id header)
	 * @param contextResolver resolves the targeting fields of an exchange, or
	 * {@code null}; with one or the principal, the order is {@link #PRINCIPAL_ORDER}
	 */
	public FallomSessionWebFilter(SessionIdExtractor extractor, boolean customerIdFromPrincipal,
			@Nullable ReactiveFallomContextResolver contextResolver) {
		this.extractor = extractor;
		this.customerIdFromPrincipal = customerIdFromPrincipal;
		this.contextResolver = contextResolver;
		this.order = (customerIdFromPrincipal || contextResolver != null) ? PRINCIPAL_ORDER : DEFAULT_ORDER;
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
		ReactiveRequestValues values = new ReactiveRequestValues(exchange.getRequest());
		FallomSessionContext session = this.extractor.extract(values);
		Mono<Void> filtered;
		if (session == null) {
			String customerId = this.extractor.extractCustomerId(values);
			filtered = (customerId == null && !this.customerIdFromPrincipal) ? chain.filter(exchange)
					: customerOf(exchange, customerId).flatMap((customer) -> filter(exchange, chain, customer));
		}
		else if (this.customerIdFromPrincipal || this.contextResolver != null) {
			filtered = resolve(exchange, session).flatMap((resolved) -> filter(exchange, chain, resolved));
		}
		else {
			filtered = filter(exchange, chain, session);
		}
		// FallomModels.get() and FallomTrace.setSession() set the thread-local without a scope.
		// Event-loop threads serve many requests: clear it at both ends of this one, so that
		// the next request on the thread does not inherit a session.
		return Mono.defer(() -> {
			FallomSessionHolder.clearAll();
			return filtered;
		}).doFinally((signal) -> FallomSessionHolder.clearAll());
	}

	private static Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, FallomSessionContext session) {
		ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.ifPresent((context) -> RequestObservations.tag(context, session));
		return chain.filter(exchange)
			.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY, session));
	}

	private static Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, FallomCustomerContext customer) {
		if (customer.isEmpty()) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange)
			.contextWrite((context) -> context.put(FallomCustomerThreadLocalAccessor.KEY, customer));
	}

	private Mono<FallomSessionContext> resolve(ServerWebExchange exchange, FallomSessionContext session) {
		Mono<FallomSessionContext> resolved = Mono.just(session);
		if (this.customerIdFromPrincipal) {
			resolved = exchange.getPrincipal()
				.map((principal) -> withPrincipal(session, principal))
				.defaultIfEmpty(session);
		}
		ReactiveFallomContextResolver contextResolver = this.contextResolver;
		if (contextResolver != null) {
			resolved = resolved.flatMap((withCustomer) -> contextResolver.resolve(exchange)
				.map((fields) -> this.extractor.withTargetingFields(withCustomer, fields))
				.defaultIfEmpty(withCustomer));
		}
		return resolved;
	}

	/**
	 * Return the customer of a request without a session id, for the sessions that code
	 * starts while it runs: an empty customer when it has none.
	 */
	private Mono<FallomCustomerContext> customerOf(ServerWebExchange exchange, @Nullable String fromHeader) {
		Mono<String> customerId = this.customerIdFromPrincipal
				? exchange.getPrincipal()
					.mapNotNull((principal) -> this.extractor.customerId("principal", principal.getName()))
				: Mono.empty();
		if (fromHeader != null) {
			customerId = customerId.defaultIfEmpty(fromHeader);
		}
		ReactiveFallomContextResolver contextResolver = this.contextResolver;
		return customerId
			.flatMap((id) -> (contextResolver != null)
					? contextResolver.resolve(exchange)
						.map((fields) -> this.extractor.customer(id, fields))
						.defaultIfEmpty(this.extractor.customer(id, null))
					: Mono.just(this.extractor.customer(id, null)))
			.defaultIfEmpty(NO_CUSTOMER);
	}

	private FallomSessionContext withPrincipal(FallomSessionContext session, Principal principal) {
		String customerId = this.extractor.customerId("principal", principal.getName());
		return (customerId != null) ? session.withCustomerId(customerId) : session;
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
