package com.fallom.autoconfigure;

import java.util.function.BooleanSupplier;

import com.fallom.Fallom;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link Fallom} engine's background work with the application context and
 * pauses it, flushing queued records, when the context stops; a context started again
 * (after {@code stop()}, a pause by Spring's test context cache, or a CRaC restore)
 * resumes it. Only the context's close closes the engine (its destroy method). Its phase
 * starts it before the web server takes traffic and stops it after the server has
 * drained, so that what in-flight requests queued is still sent.
 */
public class FallomLifecycle implements SmartLifecycle {

	/** Before the web server's phases, so Fallom outlives the requests it serves. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final Fallom fallom;

	private final BooleanSupplier appUsesPrompts;

	public FallomLifecycle(Fallom fallom) {
		this(fallom, () -> false);
	}

	/**
	 * Create a lifecycle that tells the engine, before it starts, whether the app's beans
	 * use prompts, so that prompt sync runs from start-up in apps that do (see
	 * {@link Fallom#usePrompts()}).
	 * @param fallom the engine
	 * @param appUsesPrompts whether the app's beans use prompts, asked on each start of
	 * an engine that syncs prompts
	 */
	public FallomLifecycle(Fallom fallom, BooleanSupplier appUsesPrompts) {
		this.fallom = fallom;
		this.appUsesPrompts = appUsesPrompts;
	}

	@Override
	public void start() {
		// Asked only of an engine that syncs prompts: offline, or with prompt sync off,
		// the answer changes nothing, and finding the app's users of the prompts looks
		// at the type of every bean definition.
		if (this.fallom.promptRefresher() != null && this.appUsesPrompts.getAsBoolean()) {
			this.fallom.usePrompts();
		}
		this.fallom.start();
	}

	@Override
	public void stop() {
		this.fallom.stop();
	}

	@Override
	public boolean isRunning() {
		return this.fallom.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
