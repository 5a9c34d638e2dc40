package com.fallom.web.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.web.RequestObservations;
import com.fallom.web.SessionIdExtractor;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.util.MultiValueMap;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Servlet filter that sets the Fallom session of each request, read by a
 * {@link SessionIdExtractor}, for the whole request, including its async dispatches, and
 * clears it afterwards. The customer id comes from a header, or from the authenticated
 * principal's name when so configured; the targeting fields from a
 * {@link FallomContextResolver}. A request without a session id whose customer is known
 * gets a {@link FallomCustomerContext} instead: the sessions its code starts belong to
 * that customer.
 */
public class FallomSessionFilter extends OncePerRequestFilter {

	/**
	 * Default order: right after Spring's {@code ServerHttpObservationFilter}
	 * ({@code HIGHEST_PRECEDENCE + 1}), so that the request's observation is open while
	 * the session is read, and before Spring Security ({@code -100}) and every other
	 * filter, so that all of them see the session.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

	/**
	 * Order when the customer id comes from the principal: right after Spring Security's
	 * filter chain ({@code -100}), which is what makes {@code getUserPrincipal()} return
	 * the authenticated user.
	 */
	public static final int PRINCIPAL_ORDER = -99;

	private static final String IDENTITY_ATTRIBUTE = FallomSessionFilter.class.getName() + ".IDENTITY";

	private final SessionIdExtractor extractor;

	private final boolean customerIdFromPrincipal;

	private final @Nullable FallomContextResolver contextResolver;

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 */
	public FallomSessionFilter(SessionIdExtractor extractor) {
		this(extractor, false);
	}

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 * @param customerIdFromPrincipal whether the name of the request's principal, when
	 * there is one, is the customer id (it wins over the customer id header); register
	 * the filter at {@link #PRINCIPAL_ORDER} with Spring Security
	 */
	public FallomSessionFilter(SessionIdExtractor extractor, boolean customerIdFromPrincipal) {
		this(extractor, customerIdFromPrincipal, null);
	}

	/**
	 * Create an instance.
	 * @param extractor reads the session of a request
	 * @param customerIdFromPrincipal whether the name of the request's principal, when
	 * there is one, is the customer id (it wins over the customer id header)
	 * @param contextResolver resolves the targeting fields of a request, or {@code null};
	 * with one or the principal, register the filter at {@link #PRINCIPAL_ORDER} with
	 * Spring Security
	 */
	public FallomSessionFilter(SessionIdExtractor extractor, boolean customerIdFromPrincipal,
			@Nullable FallomContextResolver contextResolver) {
		this.extractor = extractor;
		this.customerIdFromPrincipal = customerIdFromPrincipal;
		this.contextResolver = contextResolver;
	}

	/**
	 * Return the extractor, whose count of ignored session ids this filter feeds.
	 * @return the extractor
	 */
	public SessionIdExtractor getExtractor() {
		return this.extractor;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		// Async dispatches run on other container threads: each needs the session set.
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		// Set even when null: container threads are pooled, and FallomModels and
		// FallomTrace.setSession set the session without a scope, so a previous request may
		// have left one behind. The request is the boundary, on both ends.
		RequestIdentity identity = identityOf(request);
		FallomSessionHolder.set(identity.session());
		FallomSessionHolder.setCustomer(identity.customer());
		FallomSessionContext session = identity.session();
		if (session != null) {
			// The server observation was opened by ServerHttpObservationFilter, before us.
			ServerHttpObservationFilter.findObservationContext(request)
				.ifPresent((context) -> RequestObservations.tag(context, session));
		}
		try {
			filterChain.doFilter(request, response);
		}
		finally {
			FallomSessionHolder.clearAll();
		}
	}

	private RequestIdentity identityOf(HttpServletRequest request) {
		// Read once per request: async dispatches reuse it, so a bad id is counted once.
		Object stored = request.getAttribute(IDENTITY_ATTRIBUTE);
		if (stored instanceof RequestIdentity identity) {
			return identity;
		}
		RequestIdentity identity;
		ServletRequestValues values = new ServletRequestValues(request);
		FallomSessionContext session = this.extractor.extract(values);
		if (session != null) {
			if (this.customerIdFromPrincipal) {
				session = withPrincipal(session, request.getUserPrincipal());
			}
			if (this.contextResolver != null) {
				session = this.extractor.withTargetingFields(session, this.contextResolver.resolve(request));
			}
			identity = new RequestIdentity(session, null);
		}
		else {
			identity = new RequestIdentity(null, customerOf(request, values));
		}
		request.setAttribute(IDENTITY_ATTRIBUTE, identity);
		return identity;
	}

	/**
	 * Return the customer of a request without a session id, for the sessions that code
	 * starts while it runs, or {@code null} when it has none.
	 */
	private @Nullable FallomCustomerContext customerOf(HttpServletRequest request, ServletRequestValues values) {
		String customerId = this.customerIdFromPrincipal ? principalName(request.getUserPrincipal()) : null;
		if (customerId == null) {
			customerId = this.extractor.extractCustomerId(values);
		}
		if (customerId == null) {
			return null;
		}
		return this.extractor.customer(customerId,
				(this.contextResolver != null) ? this.contextResolver.resolve(request) : null);
	}

	private @Nullable String principalName(@Nullable Principal principal) {
		return (principal != null) ? this.extractor.customerId("principal", principal.getName()) : null;
	}

	private FallomSessionContext withPrincipal(FallomSessionContext session, @Nullable Principal principal) {
		String customerId = principalName(principal);
		return (customerId != null) ? session.withCustomerId(customerId) : session;
	}

	/**
	 * What the filter read of a request: its session, or else its customer.
	 */
	private record RequestIdentity(@Nullable FallomSessionContext session, @Nullable FallomCustomerContext customer) {

	}

	private record ServletRequestValues(HttpServletRequest request) implements SessionIdExtractor.RequestValues {

		@Override
		public @Nullable String header(String name) {
			return this.request.getHeader(name);
		}

		@Override
		public @Nullable String cookie(String name) {
			Cookie[] cookies = this.request.getCookies();
			if (cookies != null) {
				for (Cookie cookie : cookies) {
					if (name.equals(cookie.getName())) {
						return cookie.getValue();
					}
				}
			}
			return null;
		}

		@Override
		public @Nullable String queryParameter(String name) {
			// Not getParameter(): on a form POST it would consume the body.
			String query = this.request.getQueryString();
			if (query == null) {
				return null;
			}
			try {
				MultiValueMap<String, String> parameters = UriComponentsBuilder.newInstance()
					.query(query)
					.build()
					.getQueryParams();
				for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
					if (name.equals(UriUtils.decode(parameter.getKey(), StandardCharsets.UTF_8))) {
						String value = parameter.getValue().get(0);
						return (value != null) ? UriUtils.decode(value, StandardCharsets.UTF_8) : "";
					}
				}
			}
			catch (IllegalArgumentException ex) {
				// A malformed escape: no usable session id, and the request goes on.
			}
			return null;
		}

	}

}
