package com.fallom.autoconfigure;

import com.fallom.Fallom;

import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link Fallom} engine's background work with the application context and
 * stops it, flushing queued records, when the context stops. Its phase starts it before
 * the web server takes traffic and stops it after the server has drained, so that what
 * in-flight requests queued is still sent.
 */
public class FallomLifecycle implements SmartLifecycle {

	/** Before the web server's phases, so Fallom outlives the requests it serves. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final Fallom fallom;

	public FallomLifecycle(Fallom fallom) {
		this.fallom = fallom;
	}

	@Override
	public void start() {
		this.fallom.start();
	}

	@Override
	public void stop() {
		this.fallom.close();
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
