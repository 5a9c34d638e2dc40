package com.fallom.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import com.fallom.internal.spool.Spool;
import org.jspecify.annotations.Nullable;

/**
 * A lifecycle around a {@link BoundedSender}: items queue without blocking, pumps on the
 * HTTP client's thread keep a bounded number of asynchronous requests under way, failed
 * sends are retried with back-off, and stopping flushes within the shutdown timeout. The
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
	 * @param sender the configured sender builder
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	protected BackgroundSender(BoundedSender.Builder<T> sender, Duration shutdownTimeout) {
		this.sender = sender.onDiscarded(this::discarded).build();
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Return a sender that posts each item as one JSON request, asynchronously.
	 * @param <T> the item type
	 * @param client the HTTP client
	 * @param path the path below the client's base URL
	 * @param timeout the timeout of one request
	 * @param toJson writes an item's body
	 * @return the sender of batches of one item
	 */
	protected static <T> BoundedSender.AsyncBatchSender<T> postJson(FallomHttpClient client, String path,
			Duration timeout, Function<T, byte[]> toJson) {
		return (batch) -> client.postJsonAsync(path, toJson.apply(batch.get(0)), timeout)
			.thenApply((response) -> SendResult.ofStatus(response.status(), response.retryAfter()));
	}

	/**
	 * Called with items given up: refused by the backend or left at shutdown. Does nothing
	 * by default.
	 * @param items the items
	 */
	protected void discarded(List<T> items) {
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
	 * Start sending, or resume after {@link #pause(Duration)}. Starting twice does
	 * nothing.
	 */
	public void start() {
		this.sender.start();
		this.running = true;
	}

	/**
	 * Pause: send what is queued within the given time, then stop sending; what is
	 * left, and what is queued meanwhile, is sent on {@link #start()} or flushed by
	 * {@link #stop()}.
	 * @param flushTimeout the longest the flush may take
	 */
	public void pause(Duration flushTimeout) {
		this.running = false;
		this.sender.pause(flushTimeout);
	}

	/**
	 * Stop accepting items and start flushing, without waiting; the shutdown timeout runs
	 * from now, and {@link #stop()} waits for what is left of it.
	 */
	public void beginStop() {
		this.running = false;
		this.sender.beginStop(this.shutdownTimeout);
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

	@Override
	public long getRetriedCount() {
		return this.sender.getRetriedCount();
	}

	@Override
	public long getExpiredByAttemptsCount() {
		return this.sender.getExpiredByAttemptsCount();
	}

	@Override
	public long getExpiredByTimeCount() {
		return this.sender.getExpiredByTimeCount();
	}

	@Override
	public @Nullable Spool<?> getSpool() {
		return this.sender.getSpool();
	}

}
