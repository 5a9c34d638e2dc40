package com.fallom.evals.internal;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a run's calls on a fixed number of threads (the concurrency), always the earliest
 * call first in the SDKs' order (production items, then each candidate's items; within an
 * item its generation, then its metrics in order). At a concurrency of 1 the calls are
 * therefore sent in exactly the SDKs' order. Tasks may submit further tasks; {@link #await()}
 * returns once every task has ended.
 */
public final class CallScheduler implements AutoCloseable {

	private static final AtomicInteger runNumber = new AtomicInteger();

	private final ThreadPoolExecutor executor;

	private final AtomicLong sequence = new AtomicLong();

	private final Object lock = new Object();

	private int pending;

	/**
	 * Create a scheduler with its own daemon threads.
	 * @param concurrency the number of calls at once
	 */
	public CallScheduler(int concurrency) {
		int run = runNumber.incrementAndGet();
		AtomicInteger threadNumber = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(concurrency, concurrency, 10, TimeUnit.SECONDS,
				new PriorityBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "fallom-evals-" + run + "-" + threadNumber.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Return the order key of a call.
	 * @param group 0 for production, then 1 + the candidate's index
	 * @param item the item's index
	 * @param metric the metric's index, -1 for the generation
	 * @return the key; lower runs first
	 */
	public static long key(int group, int item, int metric) {
		return ((long) group << 48) | ((long) item << 16) | (metric + 1);
	}

	/**
	 * Submit a task.
	 * @param key the order key, see {@link #key(int, int, int)}
	 * @param task the task; it must not throw
	 */
	public void submit(long key, Runnable task) {
		synchronized (this.lock) {
			this.pending++;
		}
		this.executor.execute(new Ordered(key, this.sequence.getAndIncrement(), task));
	}

	/**
	 * Wait until every submitted task, and every task those submitted, has ended.
	 * @throws InterruptedException if interrupted
	 */
	public void await() throws InterruptedException {
		synchronized (this.lock) {
			while (this.pending > 0) {
				this.lock.wait();
			}
		}
	}

	private void done() {
		synchronized (this.lock) {
			this.pending--;
			if (this.pending == 0) {
				this.lock.notifyAll();
			}
		}
	}

	/**
	 * Return how many threads the scheduler has now.
	 * @return the pool size
	 */
	public int threads() {
		return this.executor.getPoolSize();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private final class Ordered implements Runnable, Comparable<Ordered> {

		private final long key;

		private final long sequence;

		private final Runnable task;

		Ordered(long key, long sequence, Runnable task) {
			this.key = key;
			this.sequence = sequence;
			this.task = task;
		}

		@Override
		public void run() {
			try {
				this.task.run();
			}
			finally {
				done();
			}
		}

		@Override
		public int compareTo(Ordered other) {
			int byKey = Long.compare(this.key, other.key);
			return (byKey != 0) ? byKey : Long.compare(this.sequence, other.sequence);
		}

	}

}
