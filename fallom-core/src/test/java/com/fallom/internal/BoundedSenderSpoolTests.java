package com.fallom.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fallom.internal.spool.Spool;
import com.fallom.internal.spool.SpoolCodec;
import com.fallom.internal.spool.SpoolDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BoundedSender} with a delivery spool on a real directory: an outage spills,
 * recovery replays, shutdown persists, and a healthy backend never touches the disk.
 */
class BoundedSenderSpoolTests {

	private static final RetryBackoff FAST_BACKOFF = new RetryBackoff(Duration.ofMillis(20), Duration.ofMillis(50));

	private static final SpoolCodec<Integer> INTS = new SpoolCodec<>() {

		@Override
		public byte[] encode(Integer item) {
			return ByteBuffer.allocate(4).putInt(item).array();
		}

		@Override
		public Integer decode(byte[] bytes) throws IOException {
			if (bytes.length != 4) {
				throw new IOException("not an int");
			}
			return ByteBuffer.wrap(bytes).getInt();
		}

	};

	@TempDir
	Path root;

	/** What the backend answers: sent, or a retry, or a refusal. */
	private final AtomicReference<SendResult> answer = new AtomicReference<>(SendResult.sent());

	private final Set<Integer> received = ConcurrentHashMap.newKeySet();

	private final AtomicInteger requests = new AtomicInteger();

	private SpoolDirectory directory;

	private BoundedSender<Integer> sender;

	@AfterEach
	void stop() {
		if (this.sender != null) {
			this.sender.stop(Duration.ofMillis(100));
		}
		if (this.directory != null) {
			this.directory.close();
		}
	}

	private BoundedSender<Integer> start(int capacity, RetryBackoff backoff) {
		this.directory = SpoolDirectory.open(this.root, "backend", 1 << 24, Duration.ofHours(1));
		assertThat(this.directory).isNotNull();
		this.sender = BoundedSender.<Integer>builder("test", (batch) -> {
			this.requests.incrementAndGet();
			SendResult result = this.answer.get();
			if (result.kind() == SendResult.Kind.SENT) {
				this.received.addAll(batch);
			}
			// Answered on another thread, as the HTTP client does
			return CompletableFuture.supplyAsync(() -> result,
					CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS));
		})
			.capacity(capacity)
			.maxBatch(10, Long.MAX_VALUE)
			.maxInFlight(4)
			.backoff(backoff)
			.spool(this.directory.stream("test", INTS))
			.build();
		this.sender.start();
		return this.sender;
	}

	private void offerPaced(int from, int to) {
		offerPaced(from, to, 20);
	}

	private void offerPaced(int from, int to, int perMillisecond) {
		for (int i = from; i < to; i++) {
			assertThat(this.sender.offer(i)).as("offer of %d", i).isTrue();
			if (i % perMillisecond == 0) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
		}
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.walk(this.root)) {
			return files.filter((file) -> file.toString().endsWith(".seg")).toList();
		}
	}

	private static void await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("waited 20 s").isLessThan(deadline);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	@Test
	void aHealthyBackendNeverTouchesTheDisk() throws IOException {
		start(1000, FAST_BACKOFF);
		// 2,000 a second: far below what 4 requests of 10 in flight send, even on a busy machine
		offerPaced(0, 2000, 2);
		await(() -> this.received.size() == 2000);
		Spool<?> spool = this.sender.getSpool();
		assertThat(spool.getSpooledCount()).isZero();
		assertThat(segments()).isEmpty();
	}

	@Test
	void anOutageSpillsToDiskAndRecoveryReplaysEverything() throws IOException {
		this.answer.set(SendResult.retry("HTTP 503", null));
		start(400, FAST_BACKOFF);
		// Ten times the queue while the backend is down, at 2,000 a second
		offerPaced(0, 4000, 2);
		Spool<?> spool = this.sender.getSpool();
		await(() -> spool.getSpooledCount() > 3900);
		assertThat(segments()).isNotEmpty();
		assertThat(this.sender.getDroppedCount()).isZero();
		this.answer.set(SendResult.sent());
		offerPaced(4000, 4100, 2);
		await(() -> this.received.size() == 4100);
		assertThat(spool.getReplayedCount()).isPositive();
		await(() -> spool.getBytes() == 0);
		assertThat(this.sender.getDroppedCount()).isZero();
		assertThat(this.sender.getExpiredByAttemptsCount() + this.sender.getExpiredByTimeCount()).isZero();
	}

	@Test
	void whileTheBackendFailsEachProbeIsReadBackOnceAndAFailedOneWrittenBackOnce() {
		this.answer.set(SendResult.retry("HTTP 503", null));
		start(100, new RetryBackoff(Duration.ofMillis(800), Duration.ofMillis(800)));
		offerPaced(0, 50);
		Spool<?> spool = this.sender.getSpool();
		await(() -> spool.getSpooledCount() >= 50);
		int requests = this.requests.get();
		long spooled = spool.getSpooledCount();
		long replayed = spool.getReplayedCount();
		// Three more probes, each a batch of 10 read back from disk, a back-off apart
		await(() -> this.requests.get() >= requests + 3);
		// Read when the back-off has passed, not before only to be spilled again while waiting
		int probes = this.requests.get() - requests;
		assertThat(spool.getSpooledCount() - spooled).isLessThanOrEqualTo(10L * (probes + 1));
		assertThat(spool.getReplayedCount() - replayed).isLessThanOrEqualTo(10L * (probes + 1));
		this.answer.set(SendResult.sent());
		await(() -> this.received.size() == 50);
	}

	@Test
	void itemsWhoseRetriesAreSpentGoToTheSpoolNotAway() {
		this.answer.set(SendResult.retry("HTTP 503", null));
		start(100, new RetryBackoff(Duration.ofMillis(5), Duration.ofMillis(10), 2, Duration.ofMinutes(1)));
		offerPaced(0, 30);
		Spool<?> spool = this.sender.getSpool();
		await(() -> spool.getSpooledCount() >= 30);
		assertThat(this.sender.getExpiredByAttemptsCount()).isZero();
		this.answer.set(SendResult.sent());
		await(() -> this.received.size() == 30);
	}

	@Test
	void whatIsLeftAtShutdownIsKeptAndTheNextSenderSendsIt() {
		this.answer.set(SendResult.retry("HTTP 503", null));
		start(1000, new RetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)));
		offerPaced(0, 500);
		this.sender.stop(Duration.ofMillis(200));
		assertThat(this.sender.getDroppedCount()).isZero();
		this.directory.close();
		this.sender = null;
		this.answer.set(SendResult.sent());
		start(1000, FAST_BACKOFF);
		await(() -> this.received.size() == 500);
		assertThat(this.sender.getSpool().getReplayedCount()).isGreaterThanOrEqualTo(500);
	}

	@Test
	void itemsTheBackendRefusesAreNotSpooled() {
		this.answer.set(SendResult.rejected("HTTP 400"));
		start(100, FAST_BACKOFF);
		offerPaced(0, 50);
		await(() -> this.sender.getFailedCount() == 50);
		assertThat(this.sender.getSpool().getSpooledCount()).isZero();
	}

}
