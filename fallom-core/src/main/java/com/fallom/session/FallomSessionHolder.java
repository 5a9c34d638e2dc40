package com.fallom.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

import com.fallom.internal.Arguments;
import com.fallom.models.internal.NonBlockingThreads;
import org.jspecify.annotations.Nullable;

/**
 * Holds the current thread's {@link FallomSessionContext}, and the
 * {@link FallomCustomerContext} of work that has a customer but no session yet. The web
 * filters, the {@code @FallomSession} aspect, {@code FallomTrace} and {@code FallomModels}
 * write them; the tracing pieces read the session. Context-propagation
 * {@code ThreadLocalAccessor}s carry both across Reactor operators and executors.
 */
public final class FallomSessionHolder {

	private static final ThreadLocal<FallomSessionContext> CURRENT = new ThreadLocal<>();

	private static final ThreadLocal<FallomCustomerContext> CUSTOMER = new ThreadLocal<>();

	private FallomSessionHolder() {
	}

	/**
	 * Return the current thread's session.
	 * @return the session, or {@code null} when none is set
	 */
	@Nullable
	public static FallomSessionContext get() {
		return CURRENT.get();
	}

	/**
	 * Set the current thread's session, returning the one it replaces so that callers
	 * can restore it.
	 * @param session the session, or {@code null} to clear
	 * @return the previous session, or {@code null}
	 */
	@Nullable
	public static FallomSessionContext set(@Nullable FallomSessionContext session) {
		FallomSessionContext previous = CURRENT.get();
		if (session == null) {
			CURRENT.remove();
		}
		else {
			CURRENT.set(session);
		}
		return previous;
	}

	/**
	 * Return the current thread's customer without a session: the one a web request
	 * without a session id was made by.
	 * @return the customer, or {@code null} when none is set
	 */
	@Nullable
	public static FallomCustomerContext getCustomer() {
		return CUSTOMER.get();
	}

	/**
	 * Set the current thread's customer without a session, returning the one it
	 * replaces so that callers can restore it.
	 * @param customer the customer, or {@code null} (or an empty one) to clear
	 * @return the previous customer, or {@code null}
	 */
	@Nullable
	public static FallomCustomerContext setCustomer(@Nullable FallomCustomerContext customer) {
		FallomCustomerContext previous = CUSTOMER.get();
		if (customer == null || customer.isEmpty()) {
			CUSTOMER.remove();
		}
		else {
			CUSTOMER.set(customer);
		}
		return previous;
	}

	/**
	 * Whether code that sets a session for the calls that follow, with no scope of its own
	 * ({@code FallomModels.get}, {@code FallomTrace.setSession}), may set one on this thread.
	 * Not on a non-blocking thread, such as a Netty event loop, where nothing is set: the
	 * thread serves many requests in turn, and the session would stay for the next one.
	 * When one is set there, it was set by a scope that restores the thread's own afterwards
	 * (a web filter, context propagation, {@code @FallomSession}), so replacing it lasts only
	 * as long as that scope.
	 * @return whether a session may be set without a scope
	 */
	public static boolean maySetWithoutScope() {
		return CURRENT.get() != null || !NonBlockingThreads.isCurrent();
	}

	/**
	 * Set the session unless the current one already has the same config key and session
	 * id, keeping the current customer, metadata, tags and targeting context when the session id
	 * is the same.
	 * Avoids an allocation on the assignment hot path, where the same session is set
	 * call after call.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public static void setIfChanged(String configKey, String sessionId) {
		FallomSessionContext current = CURRENT.get();
		if (current == null) {
			CURRENT.set(newSession(configKey, sessionId, 0, -1, null, null));
		}
		else if (!current.matches(configKey, sessionId)) {
			// The customer, metadata, tags and targeting context belong to the session,
			// not to the config: kept when only the config key changes.
			CURRENT.set(current.sessionId().equals(sessionId)
					? current.withAssignment(configKey, 0, -1, null, current.customerId())
					: newSession(configKey, sessionId, 0, -1, null, null));
		}
	}

	/**
	 * Set the session with its assignment unless the current one already has the same
	 * config key, session id and assignment, keeping the current customer when the session
	 * id is the same. Allocation-free when nothing changes, which is every call but the
	 * first of a session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param configVersion the config version
	 * @param variantIndex the index of the assigned variant
	 * @param model the assigned model
	 */
	public static void setIfChanged(String configKey, String sessionId, int configVersion, int variantIndex,
			String model) {
		FallomSessionContext current = CURRENT.get();
		setIfChanged(configKey, sessionId, configVersion, variantIndex, model,
				(current != null && current.sessionId().equals(sessionId)) ? current.customerId() : null);
	}

	/**
	 * Set the session with its assignment and customer unless the current one already
	 * has them. The metadata, tags and targeting context of the current session are kept
	 * when the session id is the same. Allocation-free when nothing changes.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param configVersion the config version
	 * @param variantIndex the index of the assigned variant
	 * @param model the assigned model
	 * @param customerId the customer id, or {@code null}
	 */
	public static void setIfChanged(String configKey, String sessionId, int configVersion, int variantIndex,
			String model, @Nullable String customerId) {
		FallomSessionContext current = CURRENT.get();
		if (current == null || !current.sessionId().equals(sessionId)) {
			CURRENT.set(newSession(configKey, sessionId, configVersion, variantIndex, model, customerId));
		}
		else if (!current.matches(configKey, sessionId, configVersion, variantIndex, model)
				|| !Objects.equals(current.customerId(), customerId)) {
			CURRENT.set(current.withAssignment(configKey, configVersion, variantIndex, model, customerId));
		}
	}

	/**
	 * Set a session without an assignment, as a fallback does: unlike
	 * {@link #setIfChanged(String, String)}, it drops the version, variant and model of an
	 * earlier assignment of the same session, so the spans that follow do not show them
	 * beside the fallback model. The customer, metadata, tags and targeting context of the
	 * same session are kept.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public static void setWithoutAssignment(String configKey, String sessionId) {
		FallomSessionContext current = CURRENT.get();
		if (current == null || !current.sessionId().equals(sessionId)) {
			CURRENT.set(newSession(configKey, sessionId, 0, -1, null, null));
		}
		else if (current.hasAssignment() || !current.configKey().equals(configKey)) {
			// The customer, metadata, tags and targeting context belong to the session: kept.
			CURRENT.set(current.withAssignment(configKey, 0, -1, null, current.customerId()));
		}
	}

	/**
	 * Create the context of a session, without an assignment, that starts now on this
	 * thread: one started while a customer without a session is set (a web request
	 * without a session id) belongs to that customer, unless it names its own, and gets
	 * the customer's targeting context.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param customerId the session's own customer id, or {@code null}
	 * @return the session, not set
	 */
	public static FallomSessionContext newSession(String configKey, String sessionId, @Nullable String customerId) {
		return newSession(configKey, sessionId, 0, -1, null, customerId);
	}

	private static FallomSessionContext newSession(String configKey, String sessionId, int configVersion,
			int variantIndex, @Nullable String model, @Nullable String customerId) {
		FallomCustomerContext customer = CUSTOMER.get();
		if (customer == null) {
			return new FallomSessionContext(configKey, sessionId, configVersion, variantIndex, model, customerId,
					Map.of(), List.of());
		}
		return new FallomSessionContext(configKey, sessionId, configVersion, variantIndex, model,
				Arguments.hasText(customerId) ? customerId : customer.customerId(), Map.of(), List.of(),
				customer.targetingContext());
	}

	/**
	 * Return a task that runs in the session (and customer) current now, whatever thread
	 * runs it, and restores that thread's own afterwards: so a pooled thread never carries one
	 * task's session into the next. For executors that context-propagation does not wrap.
	 * @param task the task
	 * @return the wrapped task
	 */
	public static Runnable wrap(Runnable task) {
		FallomSessionContext captured = CURRENT.get();
		FallomCustomerContext capturedCustomer = CUSTOMER.get();
		return () -> {
			FallomSessionContext previous = set(captured);
			FallomCustomerContext previousCustomer = setCustomer(capturedCustomer);
			try {
				task.run();
			}
			finally {
				set(previous);
				setCustomer(previousCustomer);
			}
		};
	}

	/**
	 * Return a task that runs in the session current now and restores the running
	 * thread's own session afterwards; see {@link #wrap(Runnable)}.
	 * @param task the task
	 * @param <V> the result type
	 * @return the wrapped task
	 */
	public static <V> Callable<V> wrap(Callable<V> task) {
		FallomSessionContext captured = CURRENT.get();
		FallomCustomerContext capturedCustomer = CUSTOMER.get();
		return () -> {
			FallomSessionContext previous = set(captured);
			FallomCustomerContext previousCustomer = setCustomer(capturedCustomer);
			try {
				return task.call();
			}
			finally {
				set(previous);
				setCustomer(previousCustomer);
			}
		};
	}

	/**
	 * Clear the current thread's session.
	 */
	public static void clear() {
		CURRENT.remove();
	}

	/**
	 * Clear the current thread's session and customer, as at the boundaries of a request.
	 */
	public static void clearAll() {
		CURRENT.remove();
		CUSTOMER.remove();
	}

}
