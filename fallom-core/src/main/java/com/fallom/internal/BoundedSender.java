package com.fallom.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sends items to the backend from one background thread through a bounded queue. A full
 * queue drops the item and counts it: callers never block and memory never grows. Stopping
 * flushes what is queued within a bounded time. Optionally the queue is also bounded by
 * the estimated bytes of its items, and items are sent in batches. Internal API.
 *
 * @param <T> the item type
 */
public final class BoundedSender<T> implements QueueStatistics {

	private static final Log logger = LogFactory.getLog(BoundedSender.class);

	private static final long INTERRUPT_GRACE_MILLIS = 250;

	private final String name;

	private final BlockingQueue<T> queue;

	private final BatchSender<T> sender;

	private final int maxBatchSize;

	private final long maxBytes;

	private final ToLongFunction<? super T> weigher;

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final Object lifecycleMonitor = new Object();

	private volatile Thread thread;

	private volatile boolean stopping;

	private boolean failing;

	/**
	 * Create a sender; nothing is sent until {@link #start()}.
	 * @param name the purpose, used in the thread name and log lines
	 * @param capacity the queue capacity
	 * @param sender sends one item, throwing on failure
	 */
	public BoundedSender(String name, int capacity, ItemSender<T> sender) {
		this(name, capacity, Long.MAX_VALUE, (item) -> 0, 1, (batch) -> sender.send(batch.get(0)));
	}

	/**
	 * Create a sender of batches bounded by count and by bytes; nothing is sent until
	 * {@link #start()}.
	 * @param name the purpose, used in the thread name and log lines
	 * @param capacity the queue capacity
	 * @param maxBytes the most estimated bytes queued
	 * @param weigher estimates the bytes of an item, on the caller's thread
	 * @param maxBatchSize the most items sent at once
	 * @param sender sends one batch, throwing on failure
	 */
	public BoundedSender(String name, int capacity, long maxBytes, ToLongFunction<? super T> weigher,
			int maxBatchSize, BatchSender<T> sender) {
		Arguments.isTrue(capacity > 0, "'capacity' must be positive");
		Arguments.isTrue(maxBytes > 0, "'maxBytes' must be positive");
		Arguments.isTrue(maxBatchSize > 0, "'maxBatchSize' must be positive");
		this.name = name;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.maxBytes = maxBytes;
		this.weigher = weigher;
		this.maxBatchSize = maxBatchSize;
		this.sender = sender;
	}

	/**
	 * Queue an item without blocking.
	 * @param item the item
	 * @return {@code false} when the queue was full and the item was dropped
	 */
	public boolean offer(T item) {
		if (this.stopping) {
			this.dropped.incrementAndGet();
			return false;
		}
		long bytes = this.weigher.applyAsLong(item);
		if (bytes > 0 && this.queuedBytes.addAndGet(bytes) > this.maxBytes) {
			this.queuedBytes.addAndGet(-bytes);
			this.dropped.incrementAndGet();
			return false;
		}
		if (!this.queue.offer(item)) {
			this.queuedBytes.addAndGet(-bytes);
			this.dropped.incrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Start the background thread.
	 */
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.thread != null) {
				return;
			}
			this.stopping = false;
			Thread thread = new DaemonThreadFactory("fallom-" + this.name).newThread(this::run);
			this.thread = thread;
			thread.start();
		}
	}

	/**
	 * Stop accepting items, send what is queued within the timeout, then stop the thread.
	 * Items left unsent are counted as dropped.
	 * @param flushTimeout the longest time to wait for the flush
	 */
	public void stop(Duration flushTimeout) {
		Thread thread;
		synchronized (this.lifecycleMonitor) {
			thread = this.thread;
			this.thread = null;
			this.stopping = true;
		}
		if (thread == null) {
			return;
		}
		try {
			thread.join(Math.max(1, flushTimeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			thread.interrupt();
			try {
				// A short grace, so that the interrupted in-flight batch is counted as failed
				// before the counts are read.
				thread.join(INTERRUPT_GRACE_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		List<T> unsent = new ArrayList<>();
		this.queue.drainTo(unsent);
		unsent.forEach(this::taken);
		int left = unsent.size();
		if (left > 0) {
			this.dropped.addAndGet(left);
			logger.warn("Fallom " + this.name + ": " + left + " item(s) not sent within the shutdown flush timeout of "
					+ flushTimeout.toMillis() + " ms");
		}
	}

	private void run() {
		List<T> batch = new ArrayList<>(Math.min(this.maxBatchSize, 1024));
		while (true) {
			T item;
			try {
				item = this.stopping ? this.queue.poll() : this.queue.poll(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				return;
			}
			if (item == null) {
				if (this.stopping) {
					return;
				}
				continue;
			}
			batch.add(item);
			if (this.maxBatchSize > 1) {
				this.queue.drainTo(batch, this.maxBatchSize - 1);
			}
			batch.forEach(this::taken);
			sendSafely(batch);
			batch.clear();
			if (Thread.currentThread().isInterrupted()) {
				return;
			}
		}
	}

	private void taken(T item) {
		long bytes = this.weigher.applyAsLong(item);
		if (bytes > 0) {
			this.queuedBytes.addAndGet(-bytes);
		}
	}

	private void sendSafely(List<T> batch) {
		int size = batch.size();
		try {
			this.sender.send(batch);
			this.sent.addAndGet(size);
			if (this.failing) {
				this.failing = false;
				logger.info("Fallom " + this.name + ": sending recovered");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.failed.addAndGet(size);
		}
		catch (Throwable ex) {
			this.failed.addAndGet(size);
			if (!this.failing) {
				this.failing = true;
				logger.warn("Fallom " + this.name + ": sending failed, items are dropped until it recovers: " + ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Fallom " + this.name + ": sending failed: " + ex);
			}
		}
	}

	@Override
	public String getQueueName() {
		return this.name;
	}

	/**
	 * Return the number of items waiting.
	 * @return the queue size
	 */
	@Override
	public int getQueueSize() {
		return this.queue.size();
	}

	/**
	 * Return the estimated bytes of the items waiting.
	 * @return the queued bytes
	 */
	public long getQueuedBytes() {
		return this.queuedBytes.get();
	}

	/**
	 * Return the number of items dropped because the queue was full or the flush ran out of
	 * time.
	 * @return the dropped count
	 */
	@Override
	public long getDroppedCount() {
		return this.dropped.get();
	}

	/**
	 * Return the number of items the backend accepted.
	 * @return the sent count
	 */
	@Override
	public long getSentCount() {
		return this.sent.get();
	}

	/**
	 * Return the number of items whose sending failed.
	 * @return the failed count
	 */
	@Override
	public long getFailedCount() {
		return this.failed.get();
	}

	/**
	 * Sends one item.
	 *
	 * @param <T> the item type
	 */
	@FunctionalInterface
	public interface ItemSender<T> {

		/**
		 * Send an item.
		 * @param item the item
		 * @throws Exception on failure: the item is counted as failed and not retried
		 */
		void send(T item) throws Exception;

	}

	/**
	 * Sends a batch of items.
	 *
	 * @param <T> the item type
	 */
	@FunctionalInterface
	public interface BatchSender<T> {

		/**
		 * Send a batch; the list is reused after the call returns.
		 * @param batch the items, never empty
		 * @throws Exception on failure: the items are counted as failed and not retried
		 */
		void send(List<T> batch) throws Exception;

	}

}
