package com.fallom.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one daemon thread the engine's syncs (configs, prompts, prompt A/B tests) share:
 * created when the first sync starts, ended when the last one stops, so that a stopped
 * engine holds no thread and a started one holds one, however many syncs it runs.
 * Internal API.
 */
public final class SyncScheduler {

	private static final Log logger = LogFactory.getLog(SyncScheduler.class);

	private final String threadName;

	private @Nullable ScheduledThreadPoolExecutor executor;

	private int users;

	/**
	 * Create a scheduler; no thread runs until {@link #acquire()}.
	 * @param threadName the name of the thread, without its number
	 */
	public SyncScheduler(String threadName) {
		this.threadName = threadName;
	}

	/**
	 * Return the executor, creating its thread for the first user.
	 * @return the executor; give it back with {@link #release(ScheduledExecutorService)}
	 */
	public synchronized ScheduledExecutorService acquire() {
		ScheduledThreadPoolExecutor executor = this.executor;
		if (executor == null) {
			executor = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory(this.threadName));
			executor.setRemoveOnCancelPolicy(true);
			executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			this.executor = executor;
		}
		this.users++;
		return executor;
	}

	/**
	 * Give back an executor; the last user ends the thread, waiting at most 2 s for a
	 * sync in progress.
	 * @param released the executor {@link #acquire()} gave
	 */
	public void release(ScheduledExecutorService released) {
		ScheduledThreadPoolExecutor last;
		synchronized (this) {
			if (released != this.executor || --this.users > 0) {
				return;
			}
			last = this.executor;
			this.executor = null;
		}
		last.shutdownNow();
		try {
			if (!last.awaitTermination(2, TimeUnit.SECONDS)) {
				logger.warn("Fallom " + this.threadName + " thread did not stop within 2 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Whether the thread runs.
	 * @return whether a sync holds the executor
	 */
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
