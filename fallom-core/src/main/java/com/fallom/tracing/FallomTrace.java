package com.fallom.tracing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.internal.Arguments;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The session context of tracing, the Python SDK's {@code fallom.trace}: every LLM call and
 * span made while a session is set is tagged with its config key and session id.
 *
 * <pre class="code">
 * trace.setSession("my-agent", sessionId);
 * trace.setSession("my-agent", sessionId, customerId); // spans carry fallom.customer_id
 * try (FallomTrace.Scope scope = trace.withSession("summarizer", sessionId)) {
 *     // calls here are traced as "summarizer"; the previous session returns on close
 * }
 * trace.span(Map.of("outlier_score", 0.8, "converted", true));
 * </pre>
 *
 * On a non-blocking thread (a Reactor event loop), {@code setSession} only replaces a
 * session some scope set there and restores (the WebFlux filter, context propagation),
 * and is otherwise ignored: the thread serves other requests next.
 * <p>
 * It also records custom metrics of a session ({@link #span(Map)}), sent in the
 * background; without an API key they are validated and dropped.
 */
public class FallomTrace {

	private static final Log logger = LogFactory.getLog(FallomTrace.class);

	private final @Nullable CustomMetricsSender metricsSender;

	private final AtomicBoolean nonBlockingLogged = new AtomicBoolean();

	private final Tracer tracer;

	private final boolean captureContent;

	/**
	 * Create an instance that validates custom metrics and drops them, as when offline.
	 */
	public FallomTrace() {
		this(null);
	}

	/**
	 * Create an instance whose manual spans go nowhere.
	 * @param metricsSender sends custom metrics, or {@code null} to drop them (offline)
	 */
	public FallomTrace(@Nullable CustomMetricsSender metricsSender) {
		this(metricsSender, TracerProvider.noop().get(FallomTraceExporter.INSTRUMENTATION_SCOPE), false);
	}

	/**
	 * Create an instance.
	 * @param metricsSender sends custom metrics, or {@code null} to drop them (offline)
	 * @param tracer the tracer of Fallom's spans, for manual spans
	 * @param captureContent whether manual spans may send their input, output and error
	 * messages
	 */
	public FallomTrace(@Nullable CustomMetricsSender metricsSender, Tracer tracer, boolean captureContent) {
		this.metricsSender = metricsSender;
		this.tracer = tracer;
		this.captureContent = captureContent;
	}

	/**
	 * Start a step of your own, {@link FallomSpan.Kind#CUSTOM}, in the current session and
	 * run; close it (try-with-resources) to send it.
	 * @param name the step's name, e.g. {@code search-docs}
	 * @return the open span
	 */
	public FallomSpan startSpan(String name) {
		return startSpan(name, FallomSpan.Kind.CUSTOM);
	}

	/**
	 * Start a step of your own in the current session and run; close it
	 * (try-with-resources) to send it.
	 * @param name the step's name, e.g. {@code search-docs}
	 * @param kind what the step is
	 * @return the open span
	 */
	public FallomSpan startSpan(String name, FallomSpan.Kind kind) {
		return new FallomSpan(this.tracer, name, kind, this.captureContent);
	}

	/**
	 * Set the current thread's session until it is cleared or replaced.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public void setSession(String configKey, String sessionId) {
		setWithoutScope(session(configKey, sessionId, null));
	}

	/**
	 * Set the current thread's session of a customer until it is cleared or replaced. The
	 * customer id tags spans as {@code fallom.customer_id} and is the customer that
	 * targeting sees when {@code FallomModels} is called for the same session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param customerId the customer id; {@code null} or blank means none
	 */
	public void setSession(String configKey, String sessionId, @Nullable String customerId) {
		setWithoutScope(session(configKey, sessionId, customerId));
	}

	/**
	 * Set the current thread's session until it is cleared or replaced, e.g. one with
	 * metadata and tags:
	 * {@code trace.setSession(new FallomSessionContext("agent", id, userId).withTags(List.of("beta")))}.
	 * @param session the session
	 */
	public void setSession(FallomSessionContext session) {
		Arguments.notNull(session, "Session must not be null");
		setWithoutScope(session);
	}

	/**
	 * Set a session for good, except on a non-blocking thread outside any session scope,
	 * where it would stay for the next request the thread serves: there it is ignored.
	 */
	private void setWithoutScope(FallomSessionContext session) {
		if (FallomSessionHolder.maySetWithoutScope()) {
			FallomSessionHolder.set(session);
		}
		else if (this.nonBlockingLogged.compareAndSet(false, true)) {
			logger.warn("Ignored FallomTrace.setSession on the non-blocking thread '" + Thread.currentThread().getName()
					+ "': the session would outlive the call and tag the next request of the thread; use withSession"
					+ " in a try block, or the Reactor Context (logged once)");
		}
	}

	/**
	 * Clear the current thread's session.
	 */
	public void clearSession() {
		FallomSessionHolder.clear();
	}

	/**
	 * Return the current thread's session.
	 * @return the session, or {@code null} when none is set
	 */
	public @Nullable FallomSessionContext getSession() {
		return FallomSessionHolder.get();
	}

	/**
	 * Set a session for a block, restoring the previous one when the scope closes.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return the scope to close
	 */
	public Scope withSession(String configKey, String sessionId) {
		return new Scope(FallomSessionHolder.set(session(configKey, sessionId, null)));
	}

	/**
	 * Set a customer's session for a block, restoring the previous one when the scope
	 * closes.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param customerId the customer id; {@code null} or blank means none
	 * @return the scope to close
	 */
	public Scope withSession(String configKey, String sessionId, @Nullable String customerId) {
		return new Scope(FallomSessionHolder.set(session(configKey, sessionId, customerId)));
	}

	/**
	 * Set a session for a block, restoring the previous one when the scope closes.
	 * @param session the session
	 * @return the scope to close
	 */
	public Scope withSession(FallomSessionContext session) {
		Arguments.notNull(session, "Session must not be null");
		return new Scope(FallomSessionHolder.set(session));
	}

	/**
	 * Record custom metrics of the current session, the Python SDK's
	 * {@code trace.span(data)}. The latest value of each field wins on the backend.
	 * @param data the metrics by name: numbers, booleans and strings
	 * @throws IllegalArgumentException when the data is empty or a value is null, not
	 * finite, or not a number, boolean or string
	 * @throws IllegalStateException when no session is set
	 */
	public void span(Map<String, ?> data) {
		span(data, null, null);
	}

	/**
	 * Record custom metrics of a given session, for work outside a session context
	 * such as batch jobs. A {@code null} config key or session id is taken from the
	 * current session.
	 * @param data the metrics by name: numbers, booleans and strings
	 * @param configKey the config key, or {@code null} for the current one
	 * @param sessionId the session id, or {@code null} for the current one
	 * @throws IllegalArgumentException when the data is empty or a value is null, not
	 * finite, or not a number, boolean or string; when the config key or session id
	 * given is blank; or when the record's JSON would be bigger than
	 * {@link CustomMetricsSender#MAX_RECORD_BYTES}
	 * @throws IllegalStateException when the config key or session id is neither given
	 * nor set
	 */
	public void span(Map<String, ?> data, @Nullable String configKey, @Nullable String sessionId) {
		Map<String, Object> metrics = validate(data);
		// Blank is refused, as everywhere else: it would file the metrics of every such
		// call under one session.
		Arguments.isTrue(configKey == null || !configKey.isBlank(),
				"Config key must not be blank: pass null to use the current session's");
		Arguments.isTrue(sessionId == null || !sessionId.isBlank(),
				"Session id must not be blank: pass null to use the current session's");
		FallomSessionContext current = FallomSessionHolder.get();
		String key = (configKey != null) ? configKey : (current != null) ? current.configKey() : null;
		String id = (sessionId != null) ? sessionId : (current != null) ? current.sessionId() : null;
		if (key == null || id == null) {
			throw new IllegalStateException("No session context: call setSession(configKey, sessionId) "
					+ "or FallomModels.get(configKey, sessionId) first, or pass configKey and sessionId explicitly");
		}
		CustomMetricsSender.MetricRecord record = new CustomMetricsSender.MetricRecord(key, id, metrics);
		// Checked offline too, so that a record too big fails in development already.
		CustomMetricsSender.checkSize(record);
		if (this.metricsSender == null) {
			logger.debug("Fallom is offline (no fallom.api-key): custom metrics dropped");
			return;
		}
		this.metricsSender.send(record);
	}

	private static Map<String, Object> validate(Map<String, ?> data) {
		if (data == null || data.isEmpty()) {
			throw new IllegalArgumentException("Custom metrics must not be null or empty");
		}
		Map<String, Object> copy = new LinkedHashMap<>(data.size() * 2);
		for (Map.Entry<String, ?> entry : data.entrySet()) {
			String name = entry.getKey();
			if (!Arguments.hasText(name)) {
				throw new IllegalArgumentException("Custom metric names must not be null or blank");
			}
			copy.put(name, validValue(name, entry.getValue()));
		}
		return Collections.unmodifiableMap(copy);
	}

	private static Object validValue(String name, @Nullable Object value) {
		if (value == null) {
			throw new IllegalArgumentException("Custom metric '" + name + "' must not be null");
		}
		if (value instanceof Double number && !Double.isFinite(number)
				|| value instanceof Float single && !Float.isFinite(single)) {
			throw new IllegalArgumentException("Custom metric '" + name + "' must be finite, not " + value);
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
				|| value instanceof Short || value instanceof Byte || value instanceof BigDecimal
				|| value instanceof BigInteger || value instanceof Boolean || value instanceof String) {
			return value;
		}
		// Nested objects and lists have no meaning on the backend: fields are flat.
		throw new IllegalArgumentException("Custom metric '" + name + "' must be a number, a boolean or a string, not "
				+ value.getClass().getName());
	}

	private static FallomSessionContext session(String configKey, String sessionId, @Nullable String customerId) {
		if (configKey == null || configKey.isBlank()) {
			throw new IllegalArgumentException("Config key must not be null or blank");
		}
		if (sessionId == null || sessionId.isBlank()) {
			throw new IllegalArgumentException("Session id must not be null or blank");
		}
		// In a request without a session id whose customer is known, the session belongs
		// to that customer, as one FallomModels starts does.
		return FallomSessionHolder.newSession(configKey, sessionId, customerId);
	}

	/**
	 * A session set for a block; closing it restores the session that was current before.
	 */
	public static final class Scope implements AutoCloseable {

		private final @Nullable FallomSessionContext previous;

		private boolean closed;

		Scope(@Nullable FallomSessionContext previous) {
			this.previous = previous;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				FallomSessionHolder.set(this.previous);
			}
		}

	}

}
