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
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
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
 * {@code FallomTrace} and Spring AI spans see it. With Boot's default {@code limited}, the
 * filter sets it on the thread itself, and restores the thread's own after, wherever it
 * sees the request's work run: while the rest of the chain is subscribed (a handler that
 * does not wait for its body) and while each chunk of the request body is delivered (a
 * handler that does). Nothing of it stays on the event loop, which serves other requests
 * in between. The customer id comes from the principal's name when so configured, or from
 * a header when one is configured; the targeting fields from a
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
		// Event-loop threads serve many requests: clear what code outside Fallom may have left
		// at both ends of this one, so that the next request on the thread inherits nothing.
		return Mono.defer(() -> {
			FallomSessionHolder.clearAll();
			return filtered;
		}).doFinally((signal) -> FallomSessionHolder.clearAll());
	}

	private static Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, FallomSessionContext session) {
		ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.ifPresent((context) -> RequestObservations.tag(context, session));
		return new ScopedMono(chain, scoped(exchange, session, null), session, null)
			.contextWrite((context) -> context.put(FallomSessionThreadLocalAccessor.KEY, session));
	}

	private static Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain, FallomCustomerContext customer) {
		if (customer.isEmpty()) {
			return chain.filter(exchange);
		}
		return new ScopedMono(chain, scoped(exchange, null, customer), null, customer)
			.contextWrite((context) -> context.put(FallomCustomerThreadLocalAccessor.KEY, customer));
	}

	/**
	 * Return the exchange whose request body delivers each chunk with the session set on
	 * the thread: code that waits for the body (a {@code @RequestBody} controller, a
	 * {@code bodyToMono(...).map(...)}) runs inside that delivery, and sees its own
	 * request's session without {@code spring.reactor.context-propagation=auto}.
	 */
	private static ServerWebExchange scoped(ServerWebExchange exchange, @Nullable FallomSessionContext session,
			@Nullable FallomCustomerContext customer) {
		ServerHttpRequest request = exchange.getRequest();
		return exchange.mutate().request(new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return new ScopedFlux<>(super.getBody(), session, customer);
			}

		}).build();
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

	/**
	 * The rest of the chain, subscribed with the request's session (or customer) set on the
	 * thread and the thread's own restored afterwards: the handler code that runs while it
	 * is subscribed sees the session, and nothing of it stays on the thread.
	 */
	private static final class ScopedMono extends Mono<Void> {

		private final WebFilterChain chain;

		private final ServerWebExchange exchange;

		private final @Nullable FallomSessionContext session;

		private final @Nullable FallomCustomerContext customer;

		ScopedMono(WebFilterChain chain, ServerWebExchange exchange, @Nullable FallomSessionContext session,
				@Nullable FallomCustomerContext customer) {
			this.chain = chain;
			this.exchange = exchange;
			this.session = session;
			this.customer = customer;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Void> actual) {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			FallomCustomerContext previousCustomer = FallomSessionHolder.setCustomer(this.customer);
			try {
				this.chain.filter(this.exchange).subscribe(actual);
			}
			finally {
				FallomSessionHolder.set(previous);
				FallomSessionHolder.setCustomer(previousCustomer);
			}
		}

	}

	/**
	 * A request body whose signals reach their subscriber with the request's session (or
	 * customer) set on the thread, restoring the thread's own after each.
	 */
	private static final class ScopedFlux<T> extends FluxOperator<T, T> {

		private final @Nullable FallomSessionContext session;

		private final @Nullable FallomCustomerContext customer;

		ScopedFlux(Flux<? extends T> source, @Nullable FallomSessionContext session,
				@Nullable FallomCustomerContext customer) {
			super(source);
			this.session = session;
			this.customer = customer;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			this.source.subscribe(new ScopedSubscriber<>(actual, this.session, this.customer));
		}

	}

	private static final class ScopedSubscriber<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final @Nullable FallomSessionContext session;

		private final @Nullable FallomCustomerContext customer;

		private @Nullable Subscription upstream;

		ScopedSubscriber(CoreSubscriber<? super T> actual, @Nullable FallomSessionContext session,
				@Nullable FallomCustomerContext customer) {
			this.actual = actual;
			this.session = session;
			this.customer = customer;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(T item) {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			FallomCustomerContext previousCustomer = FallomSessionHolder.setCustomer(this.customer);
			try {
				this.actual.onNext(item);
			}
			finally {
				FallomSessionHolder.set(previous);
				FallomSessionHolder.setCustomer(previousCustomer);
			}
		}

		@Override
		public void onError(Throwable failure) {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			FallomCustomerContext previousCustomer = FallomSessionHolder.setCustomer(this.customer);
			try {
				this.actual.onError(failure);
			}
			finally {
				FallomSessionHolder.set(previous);
				FallomSessionHolder.setCustomer(previousCustomer);
			}
		}

		@Override
		public void onComplete() {
			FallomSessionContext previous = FallomSessionHolder.set(this.session);
			FallomCustomerContext previousCustomer = FallomSessionHolder.setCustomer(this.customer);
			try {
				this.actual.onComplete();
			}
			finally {
				FallomSessionHolder.set(previous);
				FallomSessionHolder.setCustomer(previousCustomer);
			}
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

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
