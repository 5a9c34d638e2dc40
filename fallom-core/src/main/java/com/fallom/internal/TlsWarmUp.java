package com.fallom.internal;

import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLContext;

/**
 * Loads the JVM's default TLS context (its trust store and providers) on a short-lived
 * daemon thread. The HTTP client takes it on its first TLS connection, and loading it is
 * most of that request's cost (≈ 0.1 s of CPU): an engine built some time
 * before it starts (by a container, before the rest of the application context) loads it
 * meanwhile, so that the first sync, which start-up may wait for, does not. No network
 * I/O; the JVM keeps the one context, so a request that comes first waits for the same
 * loading instead of doing it twice. Internal API.
 */
public final class TlsWarmUp {

	/** The name of the thread, which ends once the context is loaded. */
	public static final String THREAD_NAME = "fallom-tls-warm-up";

	private TlsWarmUp() {
	}

	/**
	 * Start loading the default TLS context.
	 * @return completes when it is loaded, or with the failure that the first request
	 * will report too
	 */
	public static CompletableFuture<Void> start() {
		return WarmUp.start(THREAD_NAME, () -> {
			try {
				SSLContext.getDefault();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("no default TLS context", ex);
			}
		});
	}

}
