package com.fallom.internal.spool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fallom.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spool's store on a real directory: round trips, restarts, bounds, locks, and
 * segments torn or corrupted as a crash, a full disk or a hand would leave them.
 */
@ExtendWith(CapturedLogs.Extension.class)
class SpoolTests {

	private static final String BACKEND = "http://localhost:1\nkey";

	@TempDir
	Path root;

	private final MutableClock clock = new MutableClock();

	private final List<SpoolDirectory> opened = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.opened.forEach(SpoolDirectory::close);
	}

	private SpoolDirectory open(long maxBytes, long segmentBytes) {
		SpoolDirectory directory = SpoolDirectory.open(this.root, BACKEND, maxBytes, Duration.ofHours(24),
				segmentBytes, this.clock);
		assertThat(directory).isNotNull();
		this.opened.add(directory);
		return directory;
	}

	private SpoolDirectory open() {
		return open(1 << 20, 4096);
	}

	private void closeAndForget(SpoolDirectory directory) {
		directory.close();
		this.opened.remove(directory);
	}

	private static Spool<String> strings(SpoolDirectory directory) {
		return directory.stream("sessions", new SpoolCodec<>() {

			@Override
			public byte[] encode(String item) {
				return item.getBytes(StandardCharsets.UTF_8);
			}

			@Override
			public String decode(byte[] bytes) throws IOException {
				String text = new String(bytes, StandardCharsets.UTF_8);
				if (text.startsWith("bad")) {
					throw new IOException("not an item");
				}
				return text;
			}

		});
	}

	private static List<String> items(String prefix, int count) {
		List<String> items = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			items.add(prefix + i);
		}
		return items;
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.walk(this.root)) {
			return files.filter((file) -> file.toString().endsWith(Spool.SUFFIX)).sorted().toList();
		}
	}

	private static List<String> drain(Spool<String> spool) {
		List<String> all = new ArrayList<>();
		List<String> batch;
		while (!(batch = spool.replay(7, Long.MAX_VALUE)).isEmpty()) {
			all.addAll(batch);
			spool.settled(batch);
		}
		return all;
	}

	@Test
	void replaysWhatWasSpilledOldestFirstAndDeletesItOnceSettled() throws IOException {
		Spool<String> spool = strings(open());
		spool.spill(items("a", 300));
		spool.spill(items("b", 300));
		assertThat(segments()).hasSizeGreaterThan(1);
		assertThat(spool.getBytes()).isPositive();
		assertThat(spool.hasUnread()).isTrue();
		List<String> expected = new ArrayList<>(items("a", 300));
		expected.addAll(items("b", 300));
		assertThat(drain(spool)).containsExactlyElementsOf(expected);
		assertThat(spool.hasUnread()).isFalse();
		spool.replay(1, Long.MAX_VALUE);
		assertThat(segments()).isEmpty();
		assertThat(spool.getBytes()).isZero();
		assertThat(spool.getSpooledCount()).isEqualTo(600);
		assertThat(spool.getReplayedCount()).isEqualTo(600);
		assertThat(spool.getCorruptCount()).isZero();
	}

	@Test
	void aNewProcessReplaysWhatAnEarlierOneLeft() {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 50));
		closeAndForget(first);
		Spool<String> spool = strings(open());
		assertThat(spool.getBytes()).isPositive();
		assertThat(spool.getOldestMillis()).isEqualTo(this.clock.millis());
		assertThat(drain(spool)).containsExactlyElementsOf(items("a", 50));
	}

	@Test
	void itemsReadButNotSettledAreReplayedAgainByTheNextProcess() {
		SpoolDirectory first = open();
		Spool<String> spool = strings(first);
		spool.spill(items("a", 10));
		assertThat(spool.replay(100, Long.MAX_VALUE)).hasSize(10);
		closeAndForget(first);
		assertThat(drain(strings(open()))).containsExactlyElementsOf(items("a", 10));
	}

	@Test
	void itemsLeftAtShutdownThatCameFromTheSpoolAreNotWrittenTwice() {
		SpoolDirectory first = open();
		Spool<String> spool = strings(first);
		spool.spill(items("a", 10));
		List<String> replayed = spool.replay(100, Long.MAX_VALUE);
		List<String> left = new ArrayList<>(replayed);
		left.addAll(items("live", 3));
		assertThat(spool.persist(left)).isEqualTo(13);
		closeAndForget(first);
		List<String> expected = new ArrayList<>(items("a", 10));
		expected.addAll(items("live", 3));
		assertThat(drain(strings(open()))).containsExactlyElementsOf(expected);
	}

	@Test
	void itemsSpilledAgainKeepTheirFirstTimeAndTheirEarlierCopyGoes() throws IOException {
		Spool<String> spool = strings(open());
		spool.spill(items("a", 5));
		this.clock.advance(Duration.ofHours(23));
		List<String> replayed = spool.replay(100, Long.MAX_VALUE);
		// The backend failed again: back to disk
		spool.spill(replayed);
		spool.replay(0, 0);
		assertThat(segments()).hasSize(1);
		this.clock.advance(Duration.ofHours(2));
		assertThat(spool.replay(100, Long.MAX_VALUE)).isEmpty();
		assertThat(spool.getDroppedTooOldCount()).isEqualTo(5);
	}

	@Test
	void itemsOlderThanTheMaxAgeAreDroppedAndCounted() {
		Spool<String> spool = strings(open());
		spool.spill(items("old", 4));
		this.clock.advance(Duration.ofHours(25));
		spool.spill(items("new", 3));
		assertThat(drain(spool)).containsExactlyElementsOf(items("new", 3));
		assertThat(spool.getDroppedTooOldCount()).isEqualTo(4);
	}

	@Test
	void pastTheMaxBytesTheOldestSegmentsAreDroppedAndCounted() throws IOException {
		Spool<String> spool = strings(open(8192, 2048));
		for (int i = 0; i < 40; i++) {
			spool.spill(items("r" + i + "-", 20));
		}
		long onDisk = 0;
		for (Path segment : segments()) {
			onDisk += Files.size(segment);
		}
		assertThat(onDisk).isLessThanOrEqualTo(8192).isEqualTo(spool.getBytes());
		List<String> replayed = drain(spool);
		assertThat(spool.getDroppedFullCount()).isPositive();
		assertThat(replayed.size() + spool.getDroppedFullCount()).isEqualTo(800);
		// The newest survive, the oldest went
		assertThat(replayed).contains("r39-19").doesNotContain("r0-0");
	}

	@Test
	void aTornLastItemIsSkippedWithOneWarn(CapturedLogs logs) throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 5));
		closeAndForget(first);
		Path segment = segments().get(0);
		// kill -9 in the middle of a write: the last item is cut short
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			file.setLength(file.length() - 2);
		}
		Spool<String> spool = strings(open());
		assertThat(drain(spool)).containsExactly("a0", "a1", "a2", "a3");
		assertThat(spool.getCorruptCount()).isEqualTo(1);
		assertThat(logs.count("WARN")).isEqualTo(1);
	}

	@Test
	void corruptItemsInTheMiddleAreSkippedItemByItem(CapturedLogs logs) throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("item-", 6));
		closeAndForget(first);
		Path segment = segments().get(0);
		byte[] data = Files.readAllBytes(segment);
		int second = Spool.HEADER_BYTES + Spool.ITEM_HEADER_BYTES + "item-0".length();
		int fourth = second + 2 * (Spool.ITEM_HEADER_BYTES + "item-1".length());
		// A flipped byte in the second item's payload, a nonsense length in the fourth
		data[second + Spool.ITEM_HEADER_BYTES + 2] ^= 0x40;
		ByteBuffer.wrap(data).putInt(fourth, 1_000_000);
		Files.write(segment, data);
		Spool<String> spool = strings(open());
		assertThat(drain(spool)).containsExactly("item-0", "item-2", "item-4", "item-5");
		assertThat(spool.getCorruptCount()).isEqualTo(2);
		assertThat(logs.count("WARN")).isEqualTo(1);
	}

	@Test
	void garbageAppendedByAFullDiskOrAnEditorIsSkipped() throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 3));
		closeAndForget(first);
		Path segment = segments().get(0);
		byte[] garbage = new byte[5000];
		new java.util.Random(7).nextBytes(garbage);
		Files.write(segment, garbage, java.nio.file.StandardOpenOption.APPEND);
		Spool<String> spool = strings(open());
		assertThat(drain(spool)).containsExactly("a0", "a1", "a2");
		assertThat(spool.getCorruptCount()).isEqualTo(1);
		spool.replay(1, Long.MAX_VALUE);
		assertThat(segments()).isEmpty();
	}

	@Test
	void aFileWithoutFallomsHeaderIsReadForWhatChecksOut() throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 3));
		closeAndForget(first);
		Path segment = segments().get(0);
		byte[] data = Files.readAllBytes(segment);
		data[0] = 'X';
		Files.write(segment, data);
		Spool<String> spool = strings(open());
		assertThat(drain(spool)).containsExactly("a0", "a1", "a2");
		assertThat(spool.getCorruptCount()).isEqualTo(1);
	}

	@Test
	void anItemTheCodecCannotReadIsSkippedAndCounted() {
		Spool<String> spool = strings(open());
		spool.spill(List.of("good1", "bad", "good2"));
		assertThat(drain(spool)).containsExactly("good1", "good2");
		assertThat(spool.getCorruptCount()).isEqualTo(1);
	}

	@Test
	void aSegmentTornBeforeItsHeaderWasWholeIsDeleted() throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 3));
		closeAndForget(first);
		Path torn = segments().get(0).resolveSibling("0000000000000099.seg");
		Files.write(torn, new byte[] { 'F', 'A' });
		Spool<String> spool = strings(open());
		assertThat(drain(spool)).containsExactly("a0", "a1", "a2");
		assertThat(Files.exists(torn)).isFalse();
	}

	@Test
	void aSegmentOfANewerFormatIsLeftAloneWithOneWarn(CapturedLogs logs) throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 3));
		closeAndForget(first);
		Path segment = segments().get(0);
		byte[] data = Files.readAllBytes(segment);
		ByteBuffer.wrap(data).putInt(Spool.MAGIC.length, Spool.VERSION + 1);
		Files.write(segment, data);
		Spool<String> spool = strings(open());
		assertThat(spool.hasUnread()).isFalse();
		assertThat(drain(spool)).isEmpty();
		spool.spill(items("b", 2));
		assertThat(drain(spool)).containsExactly("b0", "b1");
		assertThat(Files.readAllBytes(segment)).isEqualTo(data);
		assertThat(logs.count("WARN")).isEqualTo(1);
		assertThat(logs.toString()).contains("newer version");
	}

	@Test
	void aSecondProcessOnTheSameDirectoryGetsNoSpoolAndOneWarn(CapturedLogs logs) {
		open();
		assertThat(SpoolDirectory.open(this.root, BACKEND, 1 << 20, Duration.ofHours(1))).isNull();
		assertThat(logs.count("WARN")).isEqualTo(1);
		assertThat(logs.toString()).contains("in use by another process");
	}

	@Test
	void anUnusableDirectoryIsOneWarnAndNoSpool(CapturedLogs logs) throws IOException {
		Path file = Files.writeString(this.root.resolve("a-file"), "not a directory");
		assertThat(SpoolDirectory.open(file.resolve("spool"), BACKEND, 1 << 20, Duration.ofHours(1))).isNull();
		assertThat(logs.count("WARN")).isEqualTo(1);
	}

	@Test
	void theLockIsReleasedOnClose() {
		closeAndForget(open());
		open();
	}

	@Test
	void eachBackendHasItsOwnItemsAndTheKeyIsNotInThePath() throws IOException {
		SpoolDirectory first = open();
		strings(first).spill(items("a", 3));
		closeAndForget(first);
		SpoolDirectory other = SpoolDirectory.open(this.root, "http://elsewhere\nkey", 1 << 20, Duration.ofHours(1),
				4096, this.clock);
		this.opened.add(other);
		assertThat(strings(other).hasUnread()).isFalse();
		assertThat(segments()).allSatisfy((segment) -> assertThat(segment.toString()).doesNotContain("key"));
	}

	@Test
	void itemsBiggerThanASegmentAreWrittenAlone() {
		Spool<String> spool = strings(open(1 << 20, 256));
		String big = "x".repeat(1000);
		spool.spill(List.of("small", big, "small2"));
		assertThat(drain(spool)).containsExactly("small", big, "small2");
	}

	@Test
	void streamsShareTheByteBound() {
		SpoolDirectory directory = open(8192, 2048);
		Spool<String> sessions = strings(directory);
		Spool<byte[]> records = directory.stream("records", SpoolCodec.bytes());
		records.spill(List.of(new byte[3000], new byte[3000]));
		sessions.spill(items("s", 300));
		assertThat(directory.getBytes()).isLessThanOrEqualTo(8192);
		assertThat(sessions.getDroppedFullCount()).isPositive();
		assertThat(records.replay(10, Long.MAX_VALUE)).hasSize(2);
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-12-07T12:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
