package com.fallom.internal;

import java.time.Duration;

/**
 * A lifecycle around a {@link BoundedSender}: items queue without blocking,
 * one background thread sends them, and stopping flushes within the shutdown timeout. The
 * base of the session recorder and the custom metrics sender. Internal API.
 *
 * @param <T> the item type
 */
public abstract class BackgroundSender<T> implements AutoCloseable, QueueStatistics {

	private final BoundedSender<T> sender;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	/**
	 * Create a sender; nothing is sent until {@link #start()}.
	 * @param queueName the queue's name, used in thread names, log lines and metric tags
	 * @param queueCapacity the most items waiting to be sent
	 * @param itemSender sends one item, throwing on failure
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	protected BackgroundSender(String queueName, int queueCapacity, BoundedSender.ItemSender<T> itemSender,
			Duration shutdownTimeout) {
		this.sender = new BoundedSender<>(queueName, queueCapacity, itemSender);
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Queue an item without blocking.
	 * @param item the item
	 * @return {@code false} when the queue was full and the item was dropped
	 */
	protected final boolean offer(T item) {
		return this.sender.offer(item);
	}

	/**
	 * Start sending. Starting twice does nothing.
	 */
	public void start() {
		this.sender.start();
		this.running = true;
	}

	/**
	 * Stop, flushing what is queued within the shutdown timeout.
	 */
	public void stop() {
		this.running = false;
		this.sender.stop(this.shutdownTimeout);
	}

	@Override
	public void close() {
		stop();
	}

	public boolean isRunning() {
		return this.running;
	}

	@Override
	public String getQueueName() {
		return this.sender.getQueueName();
	}

	@Override
	public int getQueueSize() {
		return this.sender.getQueueSize();
	}

	@Override
	public long getDroppedCount() {
		return this.sender.getDroppedCount();
	}

	@Override
	public long getSentCount() {
		return this.sender.getSentCount();
	}

	@Override
	public long getFailedCount() {
		return this.sender.getFailedCount();
	}

}
