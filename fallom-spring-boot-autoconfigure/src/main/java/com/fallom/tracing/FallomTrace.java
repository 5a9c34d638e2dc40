package com.fallom.tracing;

import com.fallom.session.FallomSession;
import com.fallom.session.FallomSessionHolder;
import org.jspecify.annotations.Nullable;

/**
 * The session context of tracing, the Python SDK's {@code fallom.trace}: every LLM call and
 * span made while a session is set is tagged with its config key and session id.
 *
 * <pre class="code">
 * trace.setSession("my-agent", sessionId);
 * try (FallomTrace.Scope scope = trace.withSession("summarizer", sessionId)) {
 *     // calls here are traced as "summarizer"; the previous session returns on close
 * }
 * </pre>
 */
public class FallomTrace {

	/**
	 * Set the current thread's session until it is cleared or replaced.
	 * @param configKey the config key
	 * @param sessionId the session id
	 */
	public void setSession(String configKey, String sessionId) {
		FallomSessionHolder.set(session(configKey, sessionId));
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
	public @Nullable FallomSession getSession() {
		return FallomSessionHolder.get();
	}

	/**
	 * Set a session for a block, restoring the previous one when the scope closes.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return the scope to close
	 */
	public Scope withSession(String configKey, String sessionId) {
		return new Scope(FallomSessionHolder.set(session(configKey, sessionId)));
	}

	private static FallomSession session(String configKey, String sessionId) {
		if (configKey == null || configKey.isBlank()) {
			throw new IllegalArgumentException("Config key must not be null or blank");
		}
		if (sessionId == null || sessionId.isEmpty()) {
			throw new IllegalArgumentException("Session id must not be null or empty");
		}
		return new FallomSession(configKey, sessionId);
	}

	/**
	 * A session set for a block; closing it restores the session that was current before.
	 */
	public static final class Scope implements AutoCloseable {

		private final @Nullable FallomSession previous;

		private boolean closed;

		Scope(@Nullable FallomSession previous) {
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
