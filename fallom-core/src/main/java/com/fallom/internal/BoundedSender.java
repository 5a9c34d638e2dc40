package com.fallom.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import com.fallom.internal.spool.Spool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends items to the backend through a bounded queue, keeping up to {@code maxInFlight}
 * asynchronous requests under way, so that throughput is {@code maxInFlight / round-trip}
 * rather than {@code 1 / round-trip}, with no thread per item and no thread per sender:
 * a short pump, run on an executor shared with other senders (the HTTP client's one
 * thread), takes what may be sent and starts the requests, then returns. Only a change
 * schedules a pump, never more than one at a time: an item offered to an empty queue, a
 * send completing, a retry time reached, a pause or a stop. Without a shared executor
 * the sender runs its pumps on a daemon thread of its own, from {@link #start()} to
 * {@link #pause} or {@link #stop}.
 * <p>
 * Callers never block: a full queue (by count, or by the estimated bytes of what it holds)
 * drops the item and counts it. A send that fails for a reason that may pass (network
 * error, time-out, 408, 429, 5xx) is retried after a back-off (at least the
 * {@code Retry-After}, at most the max back-off), before any newer item; while failing,
 * one request at a time probes the backend, and the first success resumes full speed.
 * When the oldest retry fails again, the next probe takes newer items, so that one item
 * that always fails cannot hold up the rest. An item is given up, and counted as expired,
 * after the back-off's most attempts or once retried for its max retry time. A send the
 * backend refuses for good (400, 404, 413 ...) is counted as failed and dropped, with one
 * WARN; a refused API key (401, 403) is too, and sending also backs off until a send
 * succeeds. Stopping sends what is left within a bounded time and counts the rest as
 * dropped. Items are given up in three places only: {@link #dropOffered} (queue full or
 * stopped), {@link #expire} (retried too often or too long) and {@link #dropUnsent}
 * (left at stop).
 * <p>
 * With a {@link Spool}, nothing is dropped for lack of room or of a backend while the disk
 * has room: when the queue passes half its bounds, or the backend has failed
 * {@value #SPILL_AFTER_FAILED_ROUNDS} rounds in a row, a pump writes the queue's newest
 * items (while failing, the whole queue and every retry) to the spool; items given up
 * after their retries go there too, and so does what is left at stop. Once sending
 * succeeds and the queue is below an eighth, the spool is replayed into it, oldest first,
 * at most an eighth of the queue per {@value #REPLAY_INTERVAL_MILLIS} ms, so live items
 * keep their latency; while failing, the probe is a batch read back once the back-off has
 * passed, so that a long outage writes each item about once. A healthy backend never
 * touches the disk; the disk is only touched by pumps, never on a caller's thread.
 * Internal API.
 *
 * @param <T> the item type
 */
public final class BoundedSender<T> implements QueueStatistics {

	private static final Log logger = LogFactory.getLog(BoundedSender.class);

	private static final long INTERRUPT_GRACE_MILLIS = 250;

	/** Failed rounds in a row after which the queue goes to the spool, rather than wait. */
	static final int SPILL_AFTER_FAILED_ROUNDS = 2;

	/** The time between two spills while failing, so that writes are batched. */
	private static final long SPILL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	static final long REPLAY_INTERVAL_MILLIS = 100;

	private final String name;

	private final int capacity;

	private final long maxQueuedBytes;

	private final ToLongFunction<? super T> weigher;

	private final int maxBatchSize;

	private final long maxBatchBytes;

	private final int maxInFlight;

	private final RetryBackoff backoff;

	private final AsyncBatchSender<T> sender;

	private final Consumer<List<T>> discarded;

	private final @Nullable Spool<T> spool;

	/** What {@link #next} returns when the pump has spool work to do rather than a send. */
	private final Batch<T> spoolTurn = new Batch<>(-1, List.of(), 0);

	/** The executor shared with other senders, or {@code null} for a thread of this sender's own. */
	private final @Nullable ScheduledExecutorService sharedExecutor;

	private final Runnable pumpTask = this::pump;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when a send completes, a pump finds nothing left to send, or sending is given up. */
	private final Condition changed = this.lock.newCondition();

	// Guarded by lock

	private final ArrayDeque<T> queue;

	/** Failed batches, oldest first, sent again before anything from the queue. */
	private final PriorityQueue<Batch<T>> retries = new PriorityQueue<>();

	private final Set<Batch<T>> inFlight = new HashSet<>();

	private long nextSequence;

	private int failures;

	/** Bumped by each failed round, so that the concurrent failures of one round back off once. */
	private int round;

	private long retryAtNanos;

	private boolean stopping;

	private boolean abandoned;

	private boolean rejecting;

	/** Whether the next probe takes newer items: the oldest retry has just failed again. */
	private boolean probeQueue;

	/** Items expired while choosing the next batch, discarded by the pump after it lets go of the lock. */
	private final List<T> expiredItems = new ArrayList<>();

	/** Items the next pump writes to the spool, oldest first. */
	private final List<T> toSpill = new ArrayList<>();

	/** How many items the next pump reads from the spool, if any. */
	private int replayDue;

	private long spillAtNanos;

	private long replayAtNanos;

	/** Pumps again when a spill or replay is due by time: one timer at a time. */
	private @Nullable ScheduledFuture<?> spoolTimer;

	private long spoolTimerAtNanos;

	/** Where pumps run while sending: started, and neither paused nor stopped; else {@code null}. */
	private @Nullable ScheduledExecutorService executor;

	/** Whether a pump is scheduled or running: the next change need not schedule another. */
	private boolean pumpScheduled;

	private @Nullable ScheduledFuture<?> retryTimer;

	private long retryTimerAtNanos;

	private long stopDeadlineNanos;

	private long flushTimeoutMillis;

	private boolean awaited;

	/** Set by {@link #pause}: pumps flush what they can; {@link #start} resumes. */
	private boolean pausing;

	// Read without the lock

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong retried = new AtomicLong();

	private final AtomicLong expiredByAttempts = new AtomicLong();

	private final AtomicLong expiredByTime = new AtomicLong();

	private volatile boolean closed;

	private BoundedSender(Builder<T> builder) {
		this.name = builder.name;
		this.capacity = builder.capacity;
		this.maxQueuedBytes = builder.maxQueuedBytes;
		this.weigher = builder.weigher;
		this.maxBatchSize = builder.maxBatchSize;
		this.maxBatchBytes = builder.maxBatchBytes;
		this.maxInFlight = builder.maxInFlight;
		this.backoff = builder.backoff;
		this.sender = builder.sender;
		this.discarded = builder.discarded;
		this.spool = builder.spool;
		this.sharedExecutor = builder.executor;
		this.queue = new ArrayDeque<>(Math.min(this.capacity, 1024));
	}

	/**
	 * Start building a sender of batches sent asynchronously.
	 * @param <T> the item type
	 * @param name the purpose, used in the thread name and log lines
	 * @param sender sends one batch
	 * @return the builder
	 */
	public static <T> Builder<T> builder(String name, AsyncBatchSender<T> sender) {
		return new Builder<>(name, sender);
	}

	/**
	 * Queue an item without blocking. Schedules a pump only when the queue was empty and
	 * none is scheduled: a busy sender takes the item with the pump after the next send
	 * completes.
	 * @param item the item
	 * @return {@code false} when the queue was full and the item was dropped
	 */
	public boolean offer(T item) {
		if (this.closed) {
			dropOffered(item);
			return false;
		}
		long bytes = this.weigher.applyAsLong(item);
		if (bytes > 0 && this.queuedBytes.addAndGet(bytes) > this.maxQueuedBytes) {
			this.queuedBytes.addAndGet(-bytes);
			dropOffered(item);
			return false;
		}
		ScheduledExecutorService pumpOn = null;
		boolean queued = false;
		this.lock.lock();
		try {
			if (!this.stopping && this.queue.size() < this.capacity) {
				this.queue.addLast(item);
				queued = true;
				if (this.queue.size() == 1 || (this.spool != null && this.queue.size() >= highWater())) {
					pumpOn = claimPump();
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		if (pumpOn != null) {
			schedulePump(pumpOn);
		}
		if (queued) {
			return true;
		}
		if (bytes > 0) {
			this.queuedBytes.addAndGet(-bytes);
		}
		dropOffered(item);
		return false;
	}

	/**
	 * The one place an offered item is refused: the queue is full (by count or by bytes),
	 * or the sender is stopping. Counted as dropped.
	 */
	private void dropOffered(T item) {
		this.dropped.incrementAndGet();
	}

	/**
	 * Start sending, or resume after {@link #pause}. Starting twice, or after
	 * {@link #stop}, does nothing.
	 */
	public void start() {
		ScheduledExecutorService pumpOn;
		this.lock.lock();
		try {
			if (this.executor != null || this.closed) {
				return;
			}
			this.pausing = false;
			pumpOn = activate();
		}
		finally {
			this.lock.unlock();
		}
		schedulePump(pumpOn);
	}

	/** Take the executor pumps run on, a thread of this sender's own without a shared one, and claim a pump. */
	private ScheduledExecutorService activate() {
		ScheduledExecutorService executor = this.sharedExecutor;
		if (executor == null) {
			ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1,
					new DaemonThreadFactory("fallom-" + this.name));
			own.setRemoveOnCancelPolicy(true);
			own.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
			executor = own;
		}
		this.executor = executor;
		this.pumpScheduled = true;
		return executor;
	}

	/**
	 * Claim the next pump, under the lock: the executor to schedule it on, or {@code null}
	 * when one is already scheduled or the sender is not sending.
	 */
	private @Nullable ScheduledExecutorService claimPump() {
		if (this.pumpScheduled || this.executor == null || this.abandoned) {
			return null;
		}
		this.pumpScheduled = true;
		return this.executor;
	}

	/** Schedule a pump claimed by {@link #claimPump()}, outside the lock. */
	private void schedulePump(ScheduledExecutorService executor) {
		try {
			executor.execute(this.pumpTask);
		}
		catch (RejectedExecutionException ex) {
			// The shared executor is shut down (its HTTP client closed): nothing can be sent any more
			this.lock.lock();
			try {
				this.pumpScheduled = false;
				this.changed.signalAll();
			}
			finally {
				this.lock.unlock();
			}
			logger.debug("Fallom " + this.name + ": the executor is shut down; items are no longer sent");
		}
	}

	/**
	 * Pause: send what is queued or waiting for a retry within the timeout, then stop
	 * sending (a thread of the sender's own ends). Unlike {@link #stop}, nothing is given
	 * up: items keep queueing (within the bounds) and what is left is sent once
	 * {@link #start} resumes, or flushed by {@link #stop}. Requests under way complete on
	 * the HTTP client's thread.
	 * @param flushTimeout the longest time the flush may take
	 */
	public void pause(Duration flushTimeout) {
		ScheduledExecutorService pumpOn;
		this.lock.lock();
		try {
			if (this.executor == null || this.closed) {
				return;
			}
			this.pausing = true;
			pumpOn = claimPump();
		}
		finally {
			this.lock.unlock();
		}
		if (pumpOn != null) {
			schedulePump(pumpOn);
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, flushTimeout.toMillis()));
		ScheduledExecutorService stopped;
		this.lock.lock();
		try {
			awaitFlushed(deadline);
			stopped = deactivate();
		}
		finally {
			this.lock.unlock();
		}
		endOwnThread(stopped);
	}

	/**
	 * Wait, under the lock, until what is queued or waiting for a retry is sent, at most
	 * to the deadline.
	 */
	private void awaitFlushed(long deadlineNanos) {
		try {
			while (!isFlushed() && !this.abandoned && this.executor != null) {
				long wait = deadlineNanos - System.nanoTime();
				if (wait <= 0) {
					return;
				}
				this.changed.awaitNanos(wait);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean isFlushed() {
		return this.queue.isEmpty() && this.retries.isEmpty() && this.inFlight.isEmpty();
	}

	/** Stop sending, under the lock: no pump is scheduled any more; returns the executor that ran them. */
	private @Nullable ScheduledExecutorService deactivate() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		ScheduledFuture<?> timer = this.retryTimer;
		if (timer != null) {
			timer.cancel(false);
			this.retryTimer = null;
		}
		if (this.spoolTimer != null) {
			this.spoolTimer.cancel(false);
			this.spoolTimer = null;
		}
		return executor;
	}

	/**
	 * End the sender's own thread: a pump still running (only a blocking {@link ItemSender}
	 * makes one last) gets a grace time, then an interrupt. A shared executor is left alone.
	 */
	private void endOwnThread(@Nullable ScheduledExecutorService executor) {
		if (executor == null || executor == this.sharedExecutor) {
			return;
		}
		executor.shutdown();
		try {
			if (!executor.awaitTermination(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
				executor.shutdownNow();
				executor.awaitTermination(INTERRUPT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stop accepting items and start sending what is queued or waiting for a retry,
	 * without waiting: the flush timeout runs from now. {@link #stop(Duration)} then waits
	 * for the rest of it, so that several senders flush at once.
	 * @param flushTimeout the longest time the flush may take
	 */
	public void beginStop(Duration flushTimeout) {
		ScheduledExecutorService pumpOn;
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.stopping = true;
			this.flushTimeoutMillis = Math.max(1, flushTimeout.toMillis());
			this.stopDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.flushTimeoutMillis);
			if (this.executor == null && this.pausing) {
				// Paused: what is left, and what queued since, gets this flush as well
				this.pausing = false;
				pumpOn = activate();
			}
			else {
				pumpOn = claimPump();
			}
		}
		finally {
			this.lock.unlock();
		}
		if (pumpOn != null) {
			schedulePump(pumpOn);
		}
	}

	/**
	 * Stop accepting items and send what is queued or waiting for a retry within the
	 * timeout (counted from {@link #beginStop(Duration)} when that came first), then stop
	 * sending. Items left unsent are counted as dropped.
	 * @param flushTimeout the longest time to wait for the flush
	 */
	public void stop(Duration flushTimeout) {
		beginStop(flushTimeout);
		this.lock.lock();
		try {
			if (this.awaited) {
				return;
			}
			this.awaited = true;
			awaitFlushed(this.stopDeadlineNanos);
		}
		finally {
			this.lock.unlock();
		}
		int left = abandon();
		ScheduledExecutorService stopped;
		this.lock.lock();
		try {
			stopped = deactivate();
		}
		finally {
			this.lock.unlock();
		}
		endOwnThread(stopped);
		if (left > 0) {
			logger.warn("Fallom " + this.name + ": " + left + " item(s) not sent within the shutdown flush timeout of "
					+ this.flushTimeoutMillis + " ms" + ((this.spool != null) ? " nor kept in the spool" : ""));
		}
	}

	/**
	 * Give up on everything not sent yet: count it as dropped and cancel the requests
	 * under way.
	 * @return the number of items given up
	 */
	private int abandon() {
		List<T> left = new ArrayList<>();
		List<Batch<T>> cancelled;
		List<T> expired;
		this.lock.lock();
		try {
			this.abandoned = true;
			long bytes = 0;
			for (T item : this.queue) {
				bytes += this.weigher.applyAsLong(item);
			}
			left.addAll(this.toSpill);
			this.toSpill.clear();
			left.addAll(this.queue);
			this.queue.clear();
			for (Batch<T> batch : this.retries) {
				left.addAll(batch.items);
				bytes += batch.bytes;
			}
			this.retries.clear();
			this.queuedBytes.addAndGet(-bytes);
			cancelled = new ArrayList<>(this.inFlight);
			expired = drainExpired();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
		discard(expired);
		int count = left.size() - dropUnsent(left);
		for (Batch<T> batch : cancelled) {
			if (this.spool == null) {
				count += batch.items.size();
			}
			// Settles the batch, which counts it as dropped unless it was sent meanwhile
			CompletableFuture<?> future = batch.future;
			if (future != null) {
				future.cancel(true);
			}
		}
		return count;
	}

	/**
	 * The one place items left at stop are given up (queued or waiting for a retry when
	 * the flush time is up, or in flight and then cancelled): kept in the spool when there
	 * is one, else counted as dropped.
	 * @return how many were kept
	 */
	private int dropUnsent(List<T> items) {
		if (this.spool != null) {
			// For the next start rather than dropped
			int kept = this.spool.persist(items);
			this.dropped.addAndGet(items.size() - kept);
			return kept;
		}
		this.dropped.addAndGet(items.size());
		discard(items);
		return 0;
	}

	/**
	 * Send what may be sent now, on the executor, without waiting for anything: take
	 * batches and start their requests until the requests in flight reach the limit, a
	 * back-off holds sending (then a timer pumps again at the retry time), or nothing is
	 * left. What happens after (a send completing, an item offered to an empty queue)
	 * schedules the next pump.
	 */
	private void pump() {
		boolean finished = false;
		try {
			while (true) {
				Batch<T> batch = next();
				discardExpired();
				if (batch == null) {
					finished = true;
					return;
				}
				if (batch == this.spoolTurn) {
					spoolWork();
					continue;
				}
				dispatch(batch);
			}
		}
		catch (Throwable ex) {
			logger.error("Fallom " + this.name + ": sending failed unexpectedly; the next change sends again", ex);
		}
		finally {
			if (!finished) {
				this.lock.lock();
				try {
					this.pumpScheduled = false;
				}
				finally {
					this.lock.unlock();
				}
			}
		}
	}

	/**
	 * Take the next batch that may be sent: a retry once the back-off has passed, else
	 * items from the queue, while fewer than the limit are in flight. When there is none,
	 * the pump ends: the claim on it is given back under the same lock, so that the next
	 * change schedules another.
	 * @return the batch, counted as in flight, or {@code null} when nothing may be sent now
	 */
	private @Nullable Batch<T> next() {
		this.lock.lock();
		try {
			if (this.abandoned || this.executor == null) {
				this.pumpScheduled = false;
				return null;
			}
			if (this.spool != null && spoolWorkDue(System.nanoTime())) {
				return this.spoolTurn;
			}
			boolean failing = this.failures > 0;
			if (failing) {
				long wait = this.retryAtNanos - System.nanoTime();
				if (wait > 0) {
					scheduleRetryTimer(wait);
					this.pumpScheduled = false;
					return null;
				}
			}
			// While failing one request probes the backend; the rest wait for its answer
			if (this.inFlight.size() < (failing ? 1 : this.maxInFlight)) {
				long now = System.nanoTime();
				Batch<T> batch = null;
				if (failing && this.probeQueue && !this.queue.isEmpty()) {
					batch = takeBatch();
				}
				if (batch == null) {
					batch = pollRetry(now);
				}
				if (batch == null && !this.queue.isEmpty()) {
					batch = takeBatch();
				}
				if (batch != null) {
					batch.round = this.round;
					if (batch.attempts++ == 0) {
						batch.firstAttemptNanos = now;
					}
					this.inFlight.add(batch);
					return batch;
				}
			}
			this.pumpScheduled = false;
			// A pause or stop waiting for the flush may be done
			this.changed.signalAll();
			return null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Pump again at the retry time, under the lock: one timer at a time, replaced only by
	 * an earlier retry time.
	 */
	private void scheduleRetryTimer(long waitNanos) {
		ScheduledExecutorService executor = this.executor;
		if (executor == null || (this.retryTimer != null && this.retryTimerAtNanos <= this.retryAtNanos)) {
			return;
		}
		if (this.retryTimer != null) {
			this.retryTimer.cancel(false);
		}
		try {
			this.retryTimer = executor.schedule(this::retryTimeReached, waitNanos, TimeUnit.NANOSECONDS);
			this.retryTimerAtNanos = this.retryAtNanos;
		}
		catch (RejectedExecutionException ex) {
			this.retryTimer = null;
		}
	}

	/** Half the queue: the other half is the time a pump has to get to it. */
	private int highWater() {
		return Math.max(1, this.capacity / 2);
	}

	private boolean overHighWater() {
		return this.queue.size() >= highWater()
				|| (this.maxQueuedBytes != Long.MAX_VALUE && this.queuedBytes.get() >= this.maxQueuedBytes / 2);
	}

	/**
	 * Decide, under the lock, whether the pump has spool work: items to write (taken from
	 * the queue and the retries here) or a batch to replay. Work due later gets a timer.
	 */
	private boolean spoolWorkDue(long now) {
		Spool<T> spool = this.spool;
		if (spool == null) {
			return false;
		}
		if (overHighWater()) {
			// Backed up: the newest go to disk, the oldest stay to be sent first
			spillNewest(this.capacity / 4, this.maxQueuedBytes / 4);
		}
		if (this.failures >= SPILL_AFTER_FAILED_ROUNDS && (!this.queue.isEmpty() || !this.retries.isEmpty())) {
			if (now - this.spillAtNanos >= 0) {
				this.spillAtNanos = now + SPILL_INTERVAL_NANOS;
				spillWhileFailing();
			}
			else {
				scheduleSpoolTimer(this.spillAtNanos - now);
			}
		}
		if (!this.toSpill.isEmpty() || spool.isCleanUpDue()) {
			return true;
		}
		if (this.stopping || this.pausing || !spool.hasUnread()) {
			return false;
		}
		boolean wanted = (this.failures == 0)
				// Below an eighth, and an eighth at a time: the queue stays far from the high water
				? this.queue.size() < this.capacity / 8 && this.inFlight.size() < this.maxInFlight
						&& (this.maxQueuedBytes == Long.MAX_VALUE || this.queuedBytes.get() < this.maxQueuedBytes / 8)
				// While failing, a replayed batch is the probe when nothing else is left to probe
				// with, read once the back-off has passed: read before, the next spill would
				// only write it back, a whole batch every few hundred ms for the outage's length
				: this.queue.isEmpty() && this.retries.isEmpty() && this.inFlight.isEmpty()
						&& now - this.retryAtNanos >= 0;
		if (!wanted) {
			return false;
		}
		if (now - this.replayAtNanos < 0) {
			scheduleSpoolTimer(this.replayAtNanos - now);
			return false;
		}
		this.replayDue = (this.failures == 0) ? Math.max(1, this.capacity / 8) : this.maxBatchSize;
		this.replayAtNanos = now + TimeUnit.MILLISECONDS.toNanos(REPLAY_INTERVAL_MILLIS);
		if (this.failures > 0) {
			// The probe is sent by this pump: not spilled back before it is
			this.spillAtNanos = now + SPILL_INTERVAL_NANOS;
		}
		return true;
	}

	/** Move the newest queued items to the spill list until the queue is down to the limits. */
	private void spillNewest(int keepItems, long keepBytes) {
		List<T> newest = new ArrayList<>();
		while (this.queue.size() > keepItems
				|| (this.maxQueuedBytes != Long.MAX_VALUE && this.queuedBytes.get() > keepBytes && this.queue.size() > 1)) {
			T item = this.queue.pollLast();
			if (item == null) {
				break;
			}
			this.queuedBytes.addAndGet(-this.weigher.applyAsLong(item));
			newest.add(item);
		}
		for (int i = newest.size() - 1; i >= 0; i--) {
			this.toSpill.add(newest.get(i));
		}
	}

	/**
	 * While the backend keeps failing, move the retries and the queue to the spill list, so
	 * that a crash loses at most what arrived since the last spill. The probe then comes
	 * from the spool, and stays on disk until it is settled.
	 */
	private void spillWhileFailing() {
		while (!this.retries.isEmpty()) {
			Batch<T> batch = this.retries.poll();
			this.toSpill.addAll(batch.items);
			release(batch);
		}
		spillNewest(0, 0);
	}

	/** Pump again after the given time, under the lock: one timer, replaced only by an earlier one. */
	private void scheduleSpoolTimer(long waitNanos) {
		ScheduledExecutorService executor = this.executor;
		long at = System.nanoTime() + waitNanos;
		if (executor == null || (this.spoolTimer != null && this.spoolTimerAtNanos - at <= 0)) {
			return;
		}
		if (this.spoolTimer != null) {
			this.spoolTimer.cancel(false);
		}
		try {
			this.spoolTimer = executor.schedule(this::spoolTimeReached, waitNanos, TimeUnit.NANOSECONDS);
			this.spoolTimerAtNanos = at;
		}
		catch (RejectedExecutionException ex) {
			this.spoolTimer = null;
		}
	}

	private void spoolTimeReached() {
		ScheduledExecutorService pumpOn;
		this.lock.lock();
		try {
			this.spoolTimer = null;
			pumpOn = claimPump();
		}
		finally {
			this.lock.unlock();
		}
		if (pumpOn != null) {
			pump();
		}
	}

	/** Write the items due to the spool, or replay a batch from it: on the pump, never a caller. */
	private void spoolWork() {
		Spool<T> spool = this.spool;
		List<T> spill;
		int replay;
		this.lock.lock();
		try {
			spill = new ArrayList<>(this.toSpill);
			this.toSpill.clear();
			replay = this.replayDue;
			this.replayDue = 0;
		}
		finally {
			this.lock.unlock();
		}
		if (spool == null) {
			return;
		}
		if (!spill.isEmpty()) {
			spool.spill(spill);
		}
		if (spool.isCleanUpDue()) {
			spool.cleanUp();
		}
		if (replay == 0) {
			return;
		}
		long maxBytes = (this.maxQueuedBytes == Long.MAX_VALUE) ? Long.MAX_VALUE : this.maxQueuedBytes / 8;
		List<T> items = spool.replay(replay, maxBytes);
		if (items.isEmpty()) {
			return;
		}
		this.lock.lock();
		try {
			for (T item : items) {
				this.queuedBytes.addAndGet(this.weigher.applyAsLong(item));
				this.queue.addLast(item);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void retryTimeReached() {
		ScheduledExecutorService pumpOn;
		this.lock.lock();
		try {
			this.retryTimer = null;
			pumpOn = claimPump();
		}
		finally {
			this.lock.unlock();
		}
		if (pumpOn != null) {
			// Already on the executor's thread: pump now rather than queue another task
			pump();
		}
	}

	/**
	 * Take the oldest retry that has time left; older ones are given up and counted.
	 */
	private @Nullable Batch<T> pollRetry(long now) {
		long maxRetryNanos = this.backoff.maxRetryTimeNanos();
		while (true) {
			Batch<T> batch = this.retries.poll();
			if (batch == null || now - batch.firstAttemptNanos < maxRetryNanos) {
				return batch;
			}
			expire(batch, this.expiredByTime);
		}
	}

	/**
	 * The one place items are given up for having been retried too often or too long:
	 * counted, under the lock; their items are discarded once the lock is let go.
	 */
	private void expire(Batch<T> batch, AtomicLong counter) {
		if (this.spool != null) {
			// Back to disk, not away: written by the next pump
			this.toSpill.addAll(batch.items);
		}
		else {
			counter.addAndGet(batch.items.size());
			this.expiredItems.addAll(batch.items);
		}
		release(batch);
	}

	private void discardExpired() {
		List<T> expired;
		this.lock.lock();
		try {
			if (this.expiredItems.isEmpty()) {
				return;
			}
			expired = new ArrayList<>(this.expiredItems);
			this.expiredItems.clear();
		}
		finally {
			this.lock.unlock();
		}
		discard(expired);
	}

	private Batch<T> takeBatch() {
		List<T> items = new ArrayList<>(Math.min(this.maxBatchSize, this.queue.size()));
		long bytes = 0;
		while (items.size() < this.maxBatchSize) {
			T item = this.queue.peekFirst();
			if (item == null) {
				break;
			}
			long itemBytes = this.weigher.applyAsLong(item);
			if (!items.isEmpty() && bytes + itemBytes > this.maxBatchBytes) {
				break;
			}
			this.queue.pollFirst();
			items.add(item);
			bytes += itemBytes;
		}
		return new Batch<>(this.nextSequence++, items, bytes);
	}

	private void dispatch(Batch<T> batch) {
		CompletableFuture<SendResult> future;
		try {
			future = this.sender.send(batch.items).toCompletableFuture();
		}
		catch (Throwable ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		batch.future = future;
		future.whenComplete((result, ex) -> settle(batch, result, ex));
	}

	private void settle(Batch<T> batch, @Nullable SendResult result, @Nullable Throwable ex) {
		try {
			settleOutcome(batch, (ex != null) ? SendResult.retry(Failures.describe(ex), null)
					: (result != null) ? result : SendResult.retry("no result", null));
		}
		catch (Throwable failure) {
			// Runs on the HTTP client's thread, where nobody would see it
			logger.error("Fallom " + this.name + ": could not settle a send (" + Failures.describe(failure) + ")");
		}
	}

	private void settleOutcome(Batch<T> batch, SendResult outcome) {
		int size = batch.items.size();
		List<T> discard = null;
		List<T> unsent = null;
		boolean release = false;
		ScheduledExecutorService pumpOn = null;
		this.lock.lock();
		try {
			if (!this.inFlight.remove(batch)) {
				return;
			}
			SendResult.Kind kind = outcome.kind();
			if (kind == SendResult.Kind.SENT) {
				this.sent.addAndGet(size);
				if (this.spool != null) {
					this.spool.settled(batch.items);
				}
				release = true;
				this.rejecting = false;
				if (this.failures > 0) {
					this.failures = 0;
					logger.info("Fallom " + this.name + ": sending recovered");
				}
			}
			else if (this.abandoned) {
				unsent = batch.items;
				release = true;
			}
			else if (kind == SendResult.Kind.REJECTED || kind == SendResult.Kind.UNAUTHORIZED) {
				this.failed.addAndGet(size);
				if (this.spool != null) {
					this.spool.settled(batch.items);
				}
				discard = batch.items;
				release = true;
				boolean unauthorized = kind == SendResult.Kind.UNAUTHORIZED;
				if (unauthorized) {
					// Every item would be refused with this key: wait as for an outage
					backOff(batch, null);
				}
				if (!this.rejecting) {
					this.rejecting = true;
					logger.warn("Fallom " + this.name + ": the backend refused " + size + " item(s) with "
							+ outcome.reason() + "; refused items are dropped, not retried"
							+ (unauthorized ? ", and sending backs off until the API key is accepted" : ""));
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Fallom " + this.name + ": the backend refused " + size + " item(s) with "
							+ outcome.reason());
				}
			}
			else {
				boolean firstOfRound = backOff(batch, outcome.retryAfter());
				if (batch.attempts >= this.backoff.maxAttempts()) {
					expire(batch, this.expiredByAttempts);
					discard = drainExpired();
				}
				else if (System.nanoTime() - batch.firstAttemptNanos >= this.backoff.maxRetryTimeNanos()) {
					expire(batch, this.expiredByTime);
					discard = drainExpired();
				}
				else {
					this.retried.addAndGet(size);
					this.retries.add(batch);
				}
				if (firstOfRound) {
					// The oldest retry failed again: probe with newer items next, so that one
					// item that always fails cannot hold up the rest
					this.probeQueue = batch.attempts > 1;
					if (this.failures == 1) {
						logger.warn("Fallom " + this.name + ": sending failed (" + outcome.reason()
								+ "); retrying with back-off, items wait in the queue until it recovers");
					}
					else if (logger.isDebugEnabled()) {
						logger.debug("Fallom " + this.name + ": sending failed again (" + outcome.reason() + ")");
					}
				}
			}
		}
		finally {
			// Whatever happened above, the slot is free: a flush may be done, or a pump
			// may send the next batch, the retry or a probe after the back-off
			this.changed.signalAll();
			if (!this.queue.isEmpty() || !this.retries.isEmpty() || !this.toSpill.isEmpty()
					|| (this.spool != null && (this.spool.hasUnread() || this.spool.isCleanUpDue()))) {
				pumpOn = claimPump();
			}
			this.lock.unlock();
		}
		if (release) {
			release(batch);
		}
		if (pumpOn != null) {
			schedulePump(pumpOn);
		}
		if (discard != null) {
			discard(discard);
		}
		if (unsent != null) {
			dropUnsent(unsent);
		}
	}

	private List<T> drainExpired() {
		List<T> expired = new ArrayList<>(this.expiredItems);
		this.expiredItems.clear();
		return expired;
	}

	/**
	 * Start a back-off round, unless this batch was sent in a round that has already
	 * failed: the concurrent failures of one round fail for the same reason and must not
	 * back off again.
	 * @return whether this was the round's first failure
	 */
	private boolean backOff(Batch<T> batch, @Nullable Duration retryAfter) {
		if (batch.round != this.round) {
			return false;
		}
		this.round++;
		this.failures++;
		long delay;
		try {
			delay = this.backoff.delayNanos(this.failures, retryAfter);
		}
		catch (RuntimeException ex) {
			delay = this.backoff.delayNanos(this.failures, null);
		}
		this.retryAtNanos = System.nanoTime() + delay;
		return true;
	}

	private void release(Batch<T> batch) {
		if (batch.bytes > 0) {
			this.queuedBytes.addAndGet(-batch.bytes);
		}
	}

	private void discard(List<T> items) {
		if (items.isEmpty()) {
			return;
		}
		try {
			this.discarded.accept(items);
		}
		catch (Throwable ex) {
			logger.debug("Fallom " + this.name + ": discard callback failed", ex);
		}
	}

	@Override
	public String getQueueName() {
		return this.name;
	}

	/**
	 * Return the number of items waiting, in the queue or for a retry.
	 * @return the queue size
	 */
	@Override
	public int getQueueSize() {
		this.lock.lock();
		try {
			int size = this.queue.size();
			for (Batch<T> batch : this.retries) {
				size += batch.items.size();
			}
			return size;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the estimated bytes of the items not sent yet (queued, in flight or waiting
	 * for a retry).
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
	 * Return the number of items the backend refused for good.
	 * @return the failed count
	 */
	@Override
	public long getFailedCount() {
		return this.failed.get();
	}

	/**
	 * Return how many times an item's send failed and was scheduled for a retry.
	 * @return the retried count
	 */
	@Override
	public long getRetriedCount() {
		return this.retried.get();
	}

	/**
	 * Return the number of items given up after the most attempts.
	 * @return the expired count
	 */
	@Override
	public long getExpiredByAttemptsCount() {
		return this.expiredByAttempts.get();
	}

	/**
	 * Return the number of items given up once retried for the max retry time.
	 * @return the expired count
	 */
	@Override
	public long getExpiredByTimeCount() {
		return this.expiredByTime.get();
	}

	/**
	 * Return the spool of this sender's stream.
	 * @return the spool, or {@code null} when undelivered items stay in memory
	 */
	@Override
	public @Nullable Spool<?> getSpool() {
		return this.spool;
	}

	/**
	 * Return the number of requests under way.
	 * @return the requests in flight
	 */
	public int getInFlightCount() {
		this.lock.lock();
		try {
			return this.inFlight.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private static final class Batch<T> implements Comparable<Batch<T>> {

		final long sequence;

		final List<T> items;

		final long bytes;

		int round;

		/** Sends so far, guarded by the sender's lock. */
		int attempts;

		long firstAttemptNanos;

		volatile @Nullable CompletableFuture<SendResult> future;

		Batch(long sequence, List<T> items, long bytes) {
			this.sequence = sequence;
			this.items = items;
			this.bytes = bytes;
		}

		@Override
		public int compareTo(Batch<T> other) {
			return Long.compare(this.sequence, other.sequence);
		}

	}

	/**
	 * Sends a batch of items asynchronously.
	 *
	 * @param <T> the item type
	 */
	@FunctionalInterface
	public interface AsyncBatchSender<T> {

		/**
		 * Start sending a batch. Called by a pump, on a thread that may be shared with
		 * other senders, so it must not block on the network.
		 * @param batch the items, never empty and never reused
		 * @return the result; a failed stage (network error, time-out) is retried
		 */
		CompletionStage<SendResult> send(List<T> batch);

	}

	/**
	 * Sends one item on the pump's thread, blocking it: for tests and callers without an
	 * asynchronous client, with a thread of the sender's own.
	 *
	 * @param <T> the item type
	 */
	@FunctionalInterface
	public interface ItemSender<T> {

		/**
		 * Send an item.
		 * @param item the item
		 * @throws Exception on failure: the item is retried
		 */
		void send(T item) throws Exception;

		/**
		 * Adapt to an {@link AsyncBatchSender} of single items.
		 * @param <T> the item type
		 * @param sender the item sender
		 * @return the batch sender
		 */
		static <T> AsyncBatchSender<T> async(ItemSender<T> sender) {
			return (batch) -> {
				try {
					sender.send(batch.get(0));
					return CompletableFuture.completedFuture(SendResult.sent());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return CompletableFuture.failedFuture(ex);
				}
				catch (Exception ex) {
					return CompletableFuture.failedFuture(ex);
				}
			};
		}

	}

	/**
	 * Builds a {@link BoundedSender}.
	 *
	 * @param <T> the item type
	 */
	public static final class Builder<T> {

		private final String name;

		private final AsyncBatchSender<T> sender;

		private int capacity = 1000;

		private long maxQueuedBytes = Long.MAX_VALUE;

		private ToLongFunction<? super T> weigher = (item) -> 0;

		private int maxBatchSize = 1;

		private long maxBatchBytes = Long.MAX_VALUE;

		private int maxInFlight = 1;

		private RetryBackoff backoff = RetryBackoff.DEFAULT;

		private Consumer<List<T>> discarded = (items) -> {
		};

		private @Nullable Spool<T> spool;

		private @Nullable ScheduledExecutorService executor;

		private Builder(String name, AsyncBatchSender<T> sender) {
			Arguments.hasText(name, "'name' must not be empty");
			Arguments.notNull(sender, "'sender' must not be null");
			this.name = name;
			this.sender = sender;
		}

		/**
		 * Set the most items waiting to be sent.
		 * @param capacity a positive count
		 * @return this builder
		 */
		public Builder<T> capacity(int capacity) {
			Arguments.isTrue(capacity > 0, "'capacity' must be positive");
			this.capacity = capacity;
			return this;
		}

		/**
		 * Bound the queue by the estimated bytes of the items not sent yet.
		 * @param maxQueuedBytes the most bytes
		 * @param weigher estimates the bytes of an item; called on the caller's thread and
		 * again by the pump, so it must be cheap and stable
		 * @return this builder
		 */
		public Builder<T> maxQueuedBytes(long maxQueuedBytes, ToLongFunction<? super T> weigher) {
			Arguments.isTrue(maxQueuedBytes > 0, "'maxQueuedBytes' must be positive");
			Arguments.notNull(weigher, "'weigher' must not be null");
			this.maxQueuedBytes = maxQueuedBytes;
			this.weigher = weigher;
			return this;
		}

		/**
		 * Set the most items of one request, and the most estimated bytes of one request
		 * of more than one item.
		 * @param maxBatchSize a positive count
		 * @param maxBatchBytes a positive size
		 * @return this builder
		 */
		public Builder<T> maxBatch(int maxBatchSize, long maxBatchBytes) {
			Arguments.isTrue(maxBatchSize > 0, "'maxBatchSize' must be positive");
			Arguments.isTrue(maxBatchBytes > 0, "'maxBatchBytes' must be positive");
			this.maxBatchSize = maxBatchSize;
			this.maxBatchBytes = maxBatchBytes;
			return this;
		}

		/**
		 * Set the most requests under way at once.
		 * @param maxInFlight a positive count
		 * @return this builder
		 */
		public Builder<T> maxInFlight(int maxInFlight) {
			Arguments.isTrue(maxInFlight > 0, "'maxInFlight' must be positive");
			this.maxInFlight = maxInFlight;
			return this;
		}

		/**
		 * Set the back-off between retries.
		 * @param backoff the back-off
		 * @return this builder
		 */
		public Builder<T> backoff(RetryBackoff backoff) {
			Arguments.notNull(backoff, "'backoff' must not be null");
			this.backoff = backoff;
			return this;
		}

		/**
		 * Set what to tell when items are given up: refused by the backend or left at
		 * shutdown (not when {@link BoundedSender#offer} returns {@code false}).
		 * @param discarded called with the items, on any thread
		 * @return this builder
		 */
		public Builder<T> onDiscarded(Consumer<List<T>> discarded) {
			Arguments.notNull(discarded, "'discarded' must not be null");
			this.discarded = discarded;
			return this;
		}

		/**
		 * Run the pumps on an executor shared with other senders, instead of a thread of
		 * the sender's own: the {@link FallomHttpClient#executor() HTTP client's thread}.
		 * Pumps never block there, unless the {@link AsyncBatchSender} does.
		 * @param executor the executor, or {@code null} for a thread of the sender's own
		 * @return this builder
		 */
		public Builder<T> executor(@Nullable ScheduledExecutorService executor) {
			this.executor = executor;
			return this;
		}

		/**
		 * Keep on disk what cannot be sent: a backed-up queue's overflow, items whose
		 * retries are spent, what is left at stop; replayed once sending succeeds.
		 * @param spool the stream's spool, or {@code null} for memory only
		 * @return this builder
		 */
		public Builder<T> spool(@Nullable Spool<T> spool) {
			this.spool = spool;
			return this;
		}

		/**
		 * Build the sender; nothing is sent until {@link BoundedSender#start()}.
		 * @return the sender
		 */
		public BoundedSender<T> build() {
			return new BoundedSender<>(this);
		}

	}

}
