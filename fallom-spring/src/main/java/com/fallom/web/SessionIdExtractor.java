package com.fallom.web;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import com.fallom.internal.Arguments;
import com.fallom.session.FallomCustomerContext;
import com.fallom.session.FallomSessionContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Reads the {@link FallomSessionContext} of an HTTP request: the session id from a header, or
 * else a cookie or a query parameter when those are configured, the config key from a
 * header or else a default, and the customer id from a header when one is configured: not
 * by default, since any client could claim any customer's id.
 * Shared by the servlet and WebFlux filters so that both accept exactly the same input.
 * <p>
 * Bad input never fails a request: a value that is too long or holds control characters
 * is ignored, counted, and logged at DEBUG without the value itself. A bad customer id
 * leaves the session without a customer.
 */
public class SessionIdExtractor {

	private static final Log logger = LogFactory.getLog(SessionIdExtractor.class);

	/**
	 * The customer id header of Fallom's SDKs, read only when configured.
	 */
	public static final String CUSTOMER_ID_HEADER = "X-Fallom-Customer-Id";

	private final String sessionHeader;

	private final @Nullable String sessionCookie;

	private final @Nullable String sessionQueryParameter;

	private final @Nullable String configKeyHeader;

	private final @Nullable String defaultConfigKey;

	private final @Nullable String customerIdHeader;

	private final int maxLength;

	private final LongAdder invalid = new LongAdder();

	private volatile boolean ignoredCustomerHeaderLogged;

	/**
	 * Create an instance.
	 * @param sessionHeader the header of the session id
	 * @param sessionCookie the cookie of the session id, or {@code null} not to read one
	 * @param sessionQueryParameter the query parameter of the session id, or {@code null}
	 * not to read one
	 * @param configKeyHeader the header of the config key, or {@code null} to take the
	 * config key from no request: then any caller cannot file its traffic under any
	 * experiment
	 * @param defaultConfigKey the config key when the request gives none, or {@code null}
	 * @param maxLength the longest session id or config key accepted
	 */
	public SessionIdExtractor(String sessionHeader, @Nullable String sessionCookie,
			@Nullable String sessionQueryParameter, @Nullable String configKeyHeader, @Nullable String defaultConfigKey,
			int maxLength) {
		this(sessionHeader, sessionCookie, sessionQueryParameter, configKeyHeader, defaultConfigKey, null, maxLength);
	}

	/**
	 * Create an instance that also reads a customer id.
	 * @param sessionHeader the header of the session id
	 * @param sessionCookie the cookie of the session id, or {@code null} not to read one
	 * @param sessionQueryParameter the query parameter of the session id, or {@code null}
	 * not to read one
	 * @param configKeyHeader the header of the config key, or {@code null} not to read one
	 * @param defaultConfigKey the config key when the header is absent, or {@code null}
	 * @param customerIdHeader the header of the customer id, or {@code null} not to read
	 * one
	 * @param maxLength the longest session id, config key or customer id accepted
	 */
	public SessionIdExtractor(String sessionHeader, @Nullable String sessionCookie,
			@Nullable String sessionQueryParameter, @Nullable String configKeyHeader, @Nullable String defaultConfigKey,
			@Nullable String customerIdHeader, int maxLength) {
		Arguments.hasText(sessionHeader, "'sessionHeader' must not be empty");
		Arguments.isTrue(maxLength > 0, "'maxLength' must be positive");
		this.sessionHeader = sessionHeader;
		this.sessionCookie = StringUtils.hasText(sessionCookie) ? sessionCookie : null;
		this.sessionQueryParameter = StringUtils.hasText(sessionQueryParameter) ? sessionQueryParameter : null;
		this.configKeyHeader = StringUtils.hasText(configKeyHeader) ? configKeyHeader : null;
		this.defaultConfigKey = StringUtils.hasText(defaultConfigKey) ? defaultConfigKey : null;
		this.customerIdHeader = StringUtils.hasText(customerIdHeader) ? customerIdHeader : null;
		this.maxLength = maxLength;
	}

	/**
	 * Return the session of a request.
	 * @param request what the request carries
	 * @return the session, or {@code null} when the request has none or a bad one
	 */
	public @Nullable FallomSessionContext extract(RequestValues request) {
		String sessionId = request.header(this.sessionHeader);
		String source = this.sessionHeader;
		if (!StringUtils.hasLength(sessionId) && this.sessionCookie != null) {
			sessionId = request.cookie(this.sessionCookie);
			source = this.sessionCookie;
		}
		if (!StringUtils.hasLength(sessionId) && this.sessionQueryParameter != null) {
			sessionId = request.queryParameter(this.sessionQueryParameter);
			source = this.sessionQueryParameter;
		}
		if (!StringUtils.hasText(sessionId) || !isValid("session id", source, sessionId)) {
			return null;
		}
		String configKey = (this.configKeyHeader != null) ? request.header(this.configKeyHeader) : null;
		if (StringUtils.hasText(configKey)) {
			if (!isValid("config key", this.configKeyHeader, configKey)) {
				return null;
			}
		}
		else if (this.defaultConfigKey == null) {
			logger.debug("Ignored a Fallom session id: the request has no config key and there is no default");
			return null;
		}
		else {
			configKey = this.defaultConfigKey;
		}
		return new FallomSessionContext(configKey, sessionId, extractCustomerId(request));
	}

	/**
	 * Return the customer id of a request from its header, for a request without a
	 * session id.
	 * @param request what the request carries
	 * @return the customer id, or {@code null} when no header is configured, or the
	 * request has none or a bad one
	 */
	public @Nullable String extractCustomerId(RequestValues request) {
		if (this.customerIdHeader != null) {
			return customerId(this.customerIdHeader, request.header(this.customerIdHeader));
		}
		if (!this.ignoredCustomerHeaderLogged && request.header(CUSTOMER_ID_HEADER) != null) {
			// Once: an app that relied on the header before it became opt-in would otherwise
			// lose its customers without a word.
			this.ignoredCustomerHeaderLogged = true;
			logger.warn("Ignored the " + CUSTOMER_ID_HEADER + " header of a request: a customer id is read from a"
					+ " header only when one is configured (fallom.web.customer-id-header), as any caller could"
					+ " claim any customer; otherwise it is the principal's name (logged once)");
		}
		return null;
	}

	/**
	 * Return the customer of a request without a session id, with the targeting fields a
	 * context resolver gave, leaving out entries as
	 * {@link #withTargetingFields(FallomSessionContext, Map)} does.
	 * @param customerId the customer id
	 * @param fields the resolved fields, or {@code null}
	 * @return the customer
	 */
	public FallomCustomerContext customer(String customerId, @Nullable Map<String, String> fields) {
		return new FallomCustomerContext(customerId, addFields(new HashMap<>(), fields));
	}

	/**
	 * Check a customer id by the rules of the session id, for one read elsewhere, such as
	 * the name of the request's principal.
	 * @param source where it was read, for the DEBUG line
	 * @param customerId the customer id, or {@code null}
	 * @return the customer id, or {@code null} when it is absent, blank or bad
	 */
	public @Nullable String customerId(String source, @Nullable String customerId) {
		return (StringUtils.hasText(customerId) && isValid("customer id", source, customerId)) ? customerId : null;
	}

	/**
	 * Return a session with the targeting fields a context resolver gave, leaving out
	 * entries with a {@code null} value or a blank name: a resolver reading an optional
	 * user attribute means the field is absent, not a failed request.
	 * @param session the request's session
	 * @param fields the resolved fields, or {@code null}
	 * @return the session with the fields added to its own
	 */
	public FallomSessionContext withTargetingFields(FallomSessionContext session,
			@Nullable Map<String, String> fields) {
		if (fields == null || fields.isEmpty()) {
			return session;
		}
		return session.withTargetingContext(addFields(new HashMap<>(session.targetingContext()), fields));
	}

	private static Map<String, String> addFields(Map<String, String> target, @Nullable Map<String, String> fields) {
		if (fields != null) {
			fields.forEach((name, value) -> {
				if (StringUtils.hasText(name) && value != null) {
					target.put(name, value);
				}
			});
		}
		return target;
	}

	/**
	 * Return how many session ids, config keys and customer ids were ignored because they
	 * were too long or held control characters.
	 * @return the count since start-up
	 */
	public long getInvalidCount() {
		return this.invalid.sum();
	}

	private boolean isValid(String what, String source, String value) {
		String problem = null;
		if (value.length() > this.maxLength) {
			problem = "it is longer than " + this.maxLength;
		}
		else if (hasControlCharacter(value)) {
			problem = "it holds control characters";
		}
		if (problem == null) {
			return true;
		}
		this.invalid.increment();
		if (logger.isDebugEnabled()) {
			// Never the value: it is client input that may be crafted to forge log lines.
			logger.debug("Ignored the Fallom " + what + " of '" + source + "' (" + value.length() + " chars): " + problem);
		}
		return false;
	}

	private static boolean hasControlCharacter(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			int type = Character.getType(c);
			if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR
					|| type == Character.PARAGRAPH_SEPARATOR) {
				return true;
			}
		}
		return false;
	}

	/**
	 * What {@link SessionIdExtractor} reads of a request, so that one implementation
	 * serves servlet and reactive requests.
	 */
	public interface RequestValues {

		/**
		 * Return the first value of a header.
		 * @param name the header name
		 * @return the value, or {@code null}
		 */
		@Nullable String header(String name);

		/**
		 * Return the value of a cookie.
		 * @param name the cookie name
		 * @return the value, or {@code null}
		 */
		@Nullable String cookie(String name);

		/**
		 * Return the first value of a query parameter, decoded. Never reads a request
		 * body.
		 * @param name the parameter name
		 * @return the value, or {@code null}
		 */
		@Nullable String queryParameter(String name);

	}

}
