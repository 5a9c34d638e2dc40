package com.fallom.session;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Holds the current thread's {@link FallomSessionContext}. The web filters, the
 * {@code @FallomSession} aspect, {@code FallomTrace} and {@code FallomModels} write it;
 * the tracing pieces read it. A context-propagation {@code ThreadLocalAccessor} carries it
 * across Reactor operators and executors.
 */
public final class FallomSessionHolder {

	private static final ThreadLocal<FallomSessionContext> CURRENT = new ThreadLocal<>();

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
	 * Set the session unless the current one already has the same config key and session
	 * id. Avoids an allocation on the assignment hot path, where the same session is set
	 * call after call.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public static void setIfChanged(String configKey, String sessionId) {
		FallomSessionContext current = CURRENT.get();
		if (current == null || !current.matches(configKey, sessionId)) {
			CURRENT.set(new FallomSessionContext(configKey, sessionId));
		}
	}

	/**
	 * Set the session with its assignment unless the current one already has the same
	 * config key, session id and assignment. Allocation-free when nothing changes, which
	 * is every call but the first of a session.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param configVersion the config version
	 * @param variantIndex the index of the assigned variant
	 * @param model the assigned model
	 */
	public static void setIfChanged(String configKey, String sessionId, int configVersion, int variantIndex,
			String model) {
		FallomSessionContext current = CURRENT.get();
		if (current == null || !current.matches(configKey, sessionId, configVersion, variantIndex, model)) {
			CURRENT.set(new FallomSessionContext(configKey, sessionId, configVersion, variantIndex, model));
		}
	}

	/**
	 * Set a session without an assignment, as a fallback does: unlike
	 * {@link #setIfChanged(String, String)}, it drops the version, variant and model of an
	 * earlier assignment of the same session, so the spans that follow do not show them
	 * beside the fallback model.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public static void setWithoutAssignment(String configKey, String sessionId) {
		FallomSessionContext current = CURRENT.get();
		if (current == null || current.hasAssignment() || !current.matches(configKey, sessionId)) {
			CURRENT.set(new FallomSessionContext(configKey, sessionId));
		}
	}

	/**
	 * Return a task that runs in the session current now, whatever thread runs it, and
	 * restores that thread's own session afterwards: so a pooled thread never carries one
	 * task's session into the next. For executors that context-propagation does not wrap.
	 * @param task the task
	 * @return the wrapped task
	 */
	public static Runnable wrap(Runnable task) {
		FallomSessionContext captured = CURRENT.get();
		return () -> {
			FallomSessionContext previous = set(captured);
			try {
				task.run();
			}
			finally {
				set(previous);
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
		return () -> {
			FallomSessionContext previous = set(captured);
			try {
				return task.call();
			}
			finally {
				set(previous);
			}
		};
	}

	/**
	 * Clear the current thread's session.
	 */
	public static void clear() {
		CURRENT.remove();
	}

}
