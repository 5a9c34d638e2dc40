package com.fallom.models.internal;

import org.jspecify.annotations.Nullable;

/**
 * Tells whether the current thread must never block: a Reactor non-blocking thread, such
 * as a Netty event loop of WebFlux, as Reactor's {@code Schedulers.isInNonBlockingThread()}
 * tells it, without needing Reactor on the classpath. Internal API.
 */
public final class NonBlockingThreads {

	private static final @Nullable Class<?> NON_BLOCKING = load("reactor.core.scheduler.NonBlocking");

	private NonBlockingThreads() {
	}

	/**
	 * Whether the current thread must not block.
	 * @return whether it is a non-blocking thread
	 */
	public static boolean isCurrent() {
		return NON_BLOCKING != null && NON_BLOCKING.isInstance(Thread.currentThread());
	}

	private static @Nullable Class<?> load(String name) {
		try {
			return Class.forName(name, false, NonBlockingThreads.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return null;
		}
	}

}
