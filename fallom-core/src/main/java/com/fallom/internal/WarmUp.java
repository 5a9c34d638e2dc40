package com.fallom.internal;

import java.util.concurrent.CompletableFuture;

/**
 * Runs work that only loads and initialises classes (no I/O, nothing global) on a
 * short-lived daemon thread, so that an engine built some time before it starts has it
 * done meanwhile, off the thread that creates the application context. The JVM
 * initialises each class once: whoever needs the same classes first waits for that
 * initialisation instead of doing it twice. Internal API.
 */
public final class WarmUp {

	private WarmUp() {
	}

	/**
	 * Start the work on a daemon thread of the given name, which ends with it.
	 * @param threadName the thread's name
	 * @param work the work
	 * @return completes when the work is done, or with its failure, which is not lost:
	 * whoever needs the same classes meets it again and reports it
	 */
	public static CompletableFuture<Void> start(String threadName, Runnable work) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				work.run();
				done.complete(null);
			}
			catch (RuntimeException | LinkageError ex) {
				done.completeExceptionally(ex);
			}
		}, threadName);
		thread.setDaemon(true);
		thread.start();
		return done;
	}

}
