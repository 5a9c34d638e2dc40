package com.fallom.internal.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import com.fallom.internal.Failures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The spool of one stream: items appended to segment files, read back oldest first, and
 * deleted once every item read from a segment is settled (sent, refused, or spooled
 * again). No thread of its own: {@link #spill}, {@link #replay} and {@link #persist} do
 * disk I/O on the calling thread, which must be the sender's, never a caller of the API.
 * <p>
 * A segment starts with {@value #MAGIC_TEXT}, a format version and its creation time;
 * each item is its length, the CRC32C of its time and bytes, its time (epoch millis) and
 * its bytes. An item that does not check out (torn by a crash or a full disk, edited by
 * hand) is skipped, reading on from the next item that does, and counted as corrupt with
 * one WARN per stream. A segment of a newer format is left alone, with one WARN.
 * <p>
 * Bounds: past the spool's bytes the oldest segments of the stream being written are
 * deleted (their items counted as dropped, spool full); items older than the max age are
 * dropped when read or when their segment is trimmed (counted as too old). Delivery is
 * at least once: items replayed before a crash, and not yet settled, are replayed again
 * by the next process. Internal API.
 *
 * @param <T> the item type
 */
public final class Spool<T> {

	static final String MAGIC_TEXT = "FALLOMSP";

	static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);

	/** The format written: readers of this version skip segments of a newer one. */
	static final int VERSION = 1;

	static final int HEADER_BYTES = MAGIC.length + 4 + 8;

	static final int ITEM_HEADER_BYTES = 4 + 4 + 8;

	static final String SUFFIX = ".seg";

	/** Item times before this (2020-01-01) are not ours: a cheap test before the checksum. */
	private static final long EARLIEST_MILLIS = 1_577_836_800_000L;

	private static final Log logger = LogFactory.getLog(Spool.class);

	private final SpoolDirectory owner;

	private final String name;

	private final Path directory;

	private final SpoolCodec<T> codec;

	// Guarded by this

	private final ArrayDeque<Segment> segments = new ArrayDeque<>();

	private @Nullable Segment writing;

	private @Nullable FileChannel writeChannel;

	private long nextSequence;

	private boolean warnedCorrupt;

	private boolean warnedWrite;

	private boolean closed;

	// Guarded by pending

	private final Map<Object, Pending> pending = new IdentityHashMap<>();

	// Read without a lock

	private final AtomicInteger unreadSegments = new AtomicInteger();

	private final AtomicLong bytes = new AtomicLong();

	private volatile long oldestMillis;

	private volatile boolean cleanupDue;

	private final AtomicLong spooled = new AtomicLong();

	private final AtomicLong replayed = new AtomicLong();

	private final AtomicLong droppedTooOld = new AtomicLong();

	private final AtomicLong droppedFull = new AtomicLong();

	private final AtomicLong corrupt = new AtomicLong();

	Spool(SpoolDirectory owner, String name, Path directory, SpoolCodec<T> codec) {
		this.owner = owner;
		this.name = name;
		this.directory = directory;
		this.codec = codec;
		recover();
	}

	/** Find the segments an earlier process left, reading their headers only. */
	private void recover() {
		List<Path> files = new ArrayList<>();
		try {
			Files.createDirectories(this.directory);
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.directory, "*" + SUFFIX)) {
				stream.forEach(files::add);
			}
		}
		catch (IOException ex) {
			logger.warn("Fallom delivery spool '" + this.name + "': cannot read " + this.directory + " ("
					+ Failures.describe(ex) + "); what it holds is not replayed");
			return;
		}
		files.sort(null);
		boolean warnedFuture = false;
		for (Path file : files) {
			long sequence = sequenceOf(file);
			if (sequence < 0) {
				continue;
			}
			this.nextSequence = Math.max(this.nextSequence, sequence + 1);
			try {
				long size = Files.size(file);
				byte[] header = new byte[HEADER_BYTES];
				int read = readHeader(file, header);
				if (read < HEADER_BYTES) {
					// Created, then the process died before the header was whole: holds nothing
					Files.deleteIfExists(file);
					continue;
				}
				ByteBuffer buffer = ByteBuffer.wrap(header);
				boolean magic = Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
				int version = buffer.getInt(MAGIC.length);
				if (magic && version > VERSION) {
					if (!warnedFuture) {
						warnedFuture = true;
						logger.warn("Fallom delivery spool '" + this.name + "': " + file.getFileName()
								+ " was written by a newer version of Fallom (format " + version + ", this one reads "
								+ VERSION + "); such segments are left alone for that version to replay");
					}
					continue;
				}
				long created = magic ? buffer.getLong(MAGIC.length + 4) : 0;
				long modified = Files.getLastModifiedTime(file).toMillis();
				Segment segment = new Segment(sequence, file, size, (created > 0) ? created : modified, modified);
				segment.corruptHeader = !magic || version < 1;
				this.segments.addLast(segment);
				this.bytes.addAndGet(size);
				this.owner.totalBytes().addAndGet(size);
				this.unreadSegments.incrementAndGet();
			}
			catch (IOException ex) {
				logger.warn("Fallom delivery spool '" + this.name + "': cannot read " + file.getFileName() + " ("
						+ Failures.describe(ex) + "); left alone");
			}
		}
		updateOldest();
	}

	private static int readHeader(Path file, byte[] header) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer buffer = ByteBuffer.wrap(header);
			while (buffer.hasRemaining()) {
				if (channel.read(buffer) < 0) {
					break;
				}
			}
			return buffer.position();
		}
	}

	private static long sequenceOf(Path file) {
		String fileName = file.getFileName().toString();
		String digits = fileName.substring(0, fileName.length() - SUFFIX.length());
		if (digits.length() != 16 || !digits.chars().allMatch(Character::isDigit)) {
			return -1;
		}
		return Long.parseLong(digits);
	}

	/**
	 * Write items to the spool, oldest first. An item replayed from the spool keeps its
	 * first time, and its earlier copy is settled. Items that do not fit (the spool full of
	 * the other streams, or the disk) are dropped and counted.
	 * @param items the items
	 * @return how many were written
	 */
	public synchronized int spill(List<T> items) {
		if (items.isEmpty()) {
			return 0;
		}
		if (this.closed) {
			this.droppedFull.addAndGet(items.size());
			return 0;
		}
		long now = this.owner.clock().millis();
		trimTooOld(now);
		List<byte[]> encoded = new ArrayList<>(items.size());
		long[] times = new long[items.size()];
		for (int i = 0; i < items.size(); i++) {
			T item = items.get(i);
			Pending earlier = pendingOf(item);
			times[i] = (earlier != null) ? earlier.time : now;
			encoded.add(this.codec.encode(item));
		}
		int written = 0;
		int i = 0;
		while (i < encoded.size()) {
			Segment segment = writableSegment(now);
			if (segment == null) {
				break;
			}
			// As many items as fit in this segment, at least one
			long room = Math.max(0, this.owner.segmentBytes() - segment.size);
			int end = i;
			long chunk = 0;
			while (end < encoded.size()) {
				long itemBytes = ITEM_HEADER_BYTES + encoded.get(end).length;
				if (end > i && chunk + itemBytes > room) {
					break;
				}
				chunk += itemBytes;
				end++;
			}
			if (!makeRoom(chunk)) {
				break;
			}
			ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, chunk));
			for (int k = i; k < end; k++) {
				putItem(buffer, times[k], encoded.get(k));
			}
			buffer.flip();
			if (!write(segment, buffer, times[end - 1])) {
				break;
			}
			written += end - i;
			i = end;
		}
		if (written < items.size()) {
			this.droppedFull.addAndGet(items.size() - written);
		}
		this.spooled.addAndGet(written);
		// The copies read earlier are written again (or dropped): settle them
		settled(items);
		updateOldest();
		return written;
	}

	private static void putItem(ByteBuffer buffer, long time, byte[] item) {
		CRC32C crc = new CRC32C();
		ByteBuffer timeBytes = ByteBuffer.allocate(8).putLong(0, time);
		crc.update(timeBytes);
		crc.update(item);
		buffer.putInt(item.length).putInt((int) crc.getValue()).putLong(time).put(item);
	}

	private boolean write(Segment segment, ByteBuffer buffer, long newest) {
		FileChannel channel = this.writeChannel;
		int length = buffer.remaining();
		try {
			if (channel == null) {
				throw new IOException("segment not open");
			}
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			segment.size += length;
			segment.newestMillis = newest;
			this.bytes.addAndGet(length);
			this.owner.totalBytes().addAndGet(length);
			return true;
		}
		catch (IOException ex) {
			// What was written of it is a torn item, skipped when read
			long partial = length - buffer.remaining();
			segment.size += partial;
			this.bytes.addAndGet(partial);
			this.owner.totalBytes().addAndGet(partial);
			closeWriter();
			if (!this.warnedWrite) {
				this.warnedWrite = true;
				logger.warn("Fallom delivery spool '" + this.name + "': cannot write " + segment.file.getFileName()
						+ " (" + Failures.describe(ex) + "); items that do not fit are dropped and counted");
			}
			return false;
		}
	}

	/** The segment to append to: the current one, or a new one when it is full or old. */
	private @Nullable Segment writableSegment(long now) {
		Segment segment = this.writing;
		if (segment != null && (segment.size >= this.owner.segmentBytes()
				|| now - segment.createdMillis > this.owner.getMaxAge().toMillis() / 24)) {
			// Closed, so that segments span little time and can be trimmed by age whole
			closeWriter();
			segment = null;
		}
		if (segment != null) {
			return segment;
		}
		long sequence = this.nextSequence++;
		Path file = this.directory.resolve(String.format("%016d", sequence) + SUFFIX);
		FileChannel channel = null;
		try {
			Files.createDirectories(this.directory);
			channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND);
			ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).putLong(now).flip();
			while (header.hasRemaining()) {
				channel.write(header);
			}
		}
		catch (IOException ex) {
			if (channel != null) {
				try {
					channel.close();
					Files.deleteIfExists(file);
				}
				catch (IOException ignored) {
					// A segment without a whole header is deleted when found
				}
			}
			if (!this.warnedWrite) {
				this.warnedWrite = true;
				logger.warn("Fallom delivery spool '" + this.name + "': cannot create " + file + " ("
						+ Failures.describe(ex) + "); items that do not fit are dropped and counted");
			}
			return null;
		}
		segment = new Segment(sequence, file, HEADER_BYTES, now, now);
		this.segments.addLast(segment);
		this.writing = segment;
		this.writeChannel = channel;
		this.unreadSegments.incrementAndGet();
		this.bytes.addAndGet(HEADER_BYTES);
		this.owner.totalBytes().addAndGet(HEADER_BYTES);
		return segment;
	}

	private void closeWriter() {
		FileChannel channel = this.writeChannel;
		this.writeChannel = null;
		this.writing = null;
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("Fallom delivery spool '" + this.name + "': could not close a segment", ex);
			}
		}
	}

	/**
	 * Delete this stream's oldest segments until the bytes fit.
	 * @return whether they fit
	 */
	private boolean makeRoom(long needed) {
		AtomicLong total = this.owner.totalBytes();
		while (total.get() + needed > this.owner.getMaxBytes()) {
			Segment oldest = this.segments.peekFirst();
			if (oldest == null || oldest == this.writing) {
				return false;
			}
			this.droppedFull.addAndGet(unreadItems(oldest));
			delete(oldest);
		}
		return true;
	}

	/** Delete whole segments whose newest item is older than the max age. */
	private void trimTooOld(long now) {
		long oldestKept = now - this.owner.getMaxAge().toMillis();
		while (true) {
			Segment oldest = this.segments.peekFirst();
			if (oldest == null || oldest == this.writing || oldest.newestMillis >= oldestKept) {
				return;
			}
			this.droppedTooOld.addAndGet(unreadItems(oldest));
			delete(oldest);
		}
	}

	/** The items of a segment not read yet, reading it when it is not loaded. */
	private int unreadItems(Segment segment) {
		if (segment.fullyRead) {
			return 0;
		}
		if (!load(segment)) {
			return 0;
		}
		int count = 0;
		int position = segment.position;
		while (segment.data != null) {
			int next = nextItem(segment, position);
			if (next < 0) {
				break;
			}
			count++;
			position = next + ITEM_HEADER_BYTES + ByteBuffer.wrap(segment.data).getInt(next);
		}
		return count;
	}

	/**
	 * Read up to the given number of items, oldest first, skipping those older than the
	 * max age (counted). They stay on disk until {@link #settled} or spilled again.
	 * @param maxItems the most items
	 * @param maxBytes the most bytes of items (at least one item is read)
	 * @return the items, empty when the spool holds none
	 */
	public synchronized List<T> replay(int maxItems, long maxBytes) {
		List<T> items = new ArrayList<>();
		if (this.closed) {
			return items;
		}
		long now = this.owner.clock().millis();
		long oldestKept = now - this.owner.getMaxAge().toMillis();
		deleteSettled();
		long readBytes = 0;
		for (Segment segment : new ArrayList<>(this.segments)) {
			if (items.size() >= maxItems || readBytes >= maxBytes) {
				break;
			}
			if (segment.fullyRead) {
				continue;
			}
			if (segment == this.writing) {
				// Read what is being written: close it, the next spill begins a new one
				closeWriter();
			}
			if (!load(segment)) {
				markRead(segment);
				continue;
			}
			byte[] data = segment.data;
			ByteBuffer view = ByteBuffer.wrap(data);
			while (items.size() < maxItems && readBytes < maxBytes) {
				int start = nextItem(segment, segment.position);
				if (start < 0) {
					break;
				}
				int length = view.getInt(start);
				long time = view.getLong(start + 8);
				segment.position = start + ITEM_HEADER_BYTES + length;
				if (time < oldestKept) {
					this.droppedTooOld.incrementAndGet();
					continue;
				}
				T item;
				try {
					item = this.codec.decode(Arrays.copyOfRange(data, start + ITEM_HEADER_BYTES, segment.position));
				}
				catch (IOException | RuntimeException ex) {
					corrupt(segment, "an item that cannot be read (" + Failures.describe(ex) + ")");
					continue;
				}
				items.add(item);
				readBytes += length;
				synchronized (this.pending) {
					this.pending.put(item, new Pending(segment, time));
				}
				segment.outstanding.incrementAndGet();
			}
			if (nextItem(segment, segment.position) < 0) {
				markRead(segment);
			}
		}
		this.replayed.addAndGet(items.size());
		deleteSettled();
		updateOldest();
		return items;
	}

	private void markRead(Segment segment) {
		if (!segment.fullyRead) {
			segment.fullyRead = true;
			segment.data = null;
			this.unreadSegments.decrementAndGet();
		}
	}

	/**
	 * Find the next item that checks out, from the given offset; what is skipped on the
	 * way is corrupt, counted and warned once.
	 * @return its offset, or -1 at the end
	 */
	private int nextItem(Segment segment, int position) {
		byte[] data = segment.data;
		if (data == null || position >= data.length) {
			return -1;
		}
		if (isItem(data, position)) {
			return position;
		}
		for (int offset = position + 1; offset <= data.length - ITEM_HEADER_BYTES; offset++) {
			if (isItem(data, offset)) {
				if (segment.corruptAt != position) {
					segment.corruptAt = position;
					corrupt(segment, "a corrupt or torn item");
				}
				return offset;
			}
		}
		if (segment.corruptAt != position) {
			segment.corruptAt = position;
			corrupt(segment, "a corrupt or torn item at its end");
		}
		return -1;
	}

	private boolean isItem(byte[] data, int offset) {
		if (offset < 0 || offset > data.length - ITEM_HEADER_BYTES) {
			return false;
		}
		ByteBuffer view = ByteBuffer.wrap(data);
		int length = view.getInt(offset);
		if (length < 0 || length > data.length - offset - ITEM_HEADER_BYTES) {
			return false;
		}
		long time = view.getLong(offset + 8);
		// Random bytes rarely pass this; the checksum settles it
		if (time < EARLIEST_MILLIS || time > this.owner.clock().millis() + TimeUnit.DAYS.toMillis(1)) {
			return false;
		}
		CRC32C crc = new CRC32C();
		crc.update(data, offset + 8, 8 + length);
		return (int) crc.getValue() == view.getInt(offset + 4);
	}

	private void corrupt(Segment segment, String what) {
		this.corrupt.incrementAndGet();
		if (!this.warnedCorrupt) {
			this.warnedCorrupt = true;
			logger.warn("Fallom delivery spool '" + this.name + "': skipped " + what + " in "
					+ segment.file.getFileName() + "; the rest is read on, and such items are counted "
					+ "(fallom.delivery.dropped, reason corrupt)");
		}
	}

	private boolean load(Segment segment) {
		if (segment.data != null) {
			return true;
		}
		try {
			byte[] data = Files.readAllBytes(segment.file);
			segment.data = data;
			if (segment.position == 0) {
				segment.position = HEADER_BYTES;
				if (segment.corruptHeader) {
					corrupt(segment, "a segment header that is not Fallom's");
				}
			}
			return true;
		}
		catch (IOException | OutOfMemoryError ex) {
			corrupt(segment, "a segment that cannot be read (" + Failures.describe(ex) + ")");
			return false;
		}
	}

	/**
	 * Settle items read by {@link #replay}: sent, refused, or given up; their copies on
	 * disk may go. Cheap and without disk I/O, so any thread may call it.
	 * @param items the items; those not from the spool are ignored
	 */
	public void settled(List<?> items) {
		synchronized (this.pending) {
			if (this.pending.isEmpty()) {
				return;
			}
			for (Object item : items) {
				Pending entry = this.pending.remove(item);
				if (entry != null && entry.segment.outstanding.decrementAndGet() == 0 && entry.segment.fullyRead) {
					this.cleanupDue = true;
				}
			}
		}
	}

	private @Nullable Pending pendingOf(Object item) {
		synchronized (this.pending) {
			return this.pending.isEmpty() ? null : this.pending.get(item);
		}
	}

	/**
	 * Keep items left at shutdown: those read from a segment still on disk stay there,
	 * for the next process to replay; the rest are written.
	 * @param items the items
	 * @return how many are kept, on disk already or written now
	 */
	public synchronized int persist(List<T> items) {
		List<T> write = new ArrayList<>(items.size());
		synchronized (this.pending) {
			for (T item : items) {
				Pending entry = this.pending.get(item);
				if (entry != null && !entry.segment.deleted) {
					// Its segment keeps it: not settled, so not deleted
					this.pending.remove(item);
				}
				else {
					write.add(item);
				}
			}
		}
		return items.size() - write.size() + spill(write);
	}

	/**
	 * Whether segments whose items are all settled wait to be deleted by {@link #cleanUp}.
	 * Cheap, without a lock.
	 * @return whether to clean up
	 */
	public boolean isCleanUpDue() {
		return this.cleanupDue;
	}

	/**
	 * Delete the segments whose items are all settled.
	 */
	public synchronized void cleanUp() {
		deleteSettled();
		updateOldest();
	}

	private void deleteSettled() {
		this.cleanupDue = false;
		for (Segment segment : new ArrayList<>(this.segments)) {
			if (segment.fullyRead && segment.outstanding.get() <= 0 && segment != this.writing) {
				delete(segment);
			}
		}
	}

	private void delete(Segment segment) {
		if (segment == this.writing) {
			closeWriter();
		}
		this.segments.remove(segment);
		segment.deleted = true;
		markRead(segment);
		try {
			Files.deleteIfExists(segment.file);
		}
		catch (IOException ex) {
			logger.debug("Fallom delivery spool '" + this.name + "': could not delete " + segment.file, ex);
		}
		this.bytes.addAndGet(-segment.size);
		this.owner.totalBytes().addAndGet(-segment.size);
	}

	private void updateOldest() {
		Segment oldest = this.segments.peekFirst();
		this.oldestMillis = (oldest != null) ? oldest.createdMillis : 0;
	}

	/**
	 * Whether items wait on disk that were not read yet. Cheap, without a lock.
	 * @return whether {@link #replay} may return items
	 */
	public boolean hasUnread() {
		return this.unreadSegments.get() > 0;
	}

	/**
	 * Close the segment being written and delete the settled ones; the rest stays for the
	 * next process.
	 */
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		deleteSettled();
		closeWriter();
		this.closed = true;
	}

	/**
	 * Return the stream's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return the bytes of this stream's segments.
	 * @return the bytes on disk
	 */
	public long getBytes() {
		return this.bytes.get();
	}

	/**
	 * Return when the oldest segment on disk was begun: about the oldest item's time.
	 * @return epoch millis, or 0 when the spool is empty
	 */
	public long getOldestMillis() {
		return this.oldestMillis;
	}

	/**
	 * Return the items written to the spool.
	 * @return the count
	 */
	public long getSpooledCount() {
		return this.spooled.get();
	}

	/**
	 * Return the items read back from the spool to be sent.
	 * @return the count
	 */
	public long getReplayedCount() {
		return this.replayed.get();
	}

	/**
	 * Return the items dropped because they were older than the max age.
	 * @return the count
	 */
	public long getDroppedTooOldCount() {
		return this.droppedTooOld.get();
	}

	/**
	 * Return the items dropped because the spool (or the disk) was full.
	 * @return the count
	 */
	public long getDroppedFullCount() {
		return this.droppedFull.get();
	}

	/**
	 * Return the corrupt or torn items skipped.
	 * @return the count
	 */
	public long getCorruptCount() {
		return this.corrupt.get();
	}

	private static final class Segment {

		final long sequence;

		final Path file;

		long size;

		final long createdMillis;

		long newestMillis;

		boolean corruptHeader;

		byte @Nullable [] data;

		int position;

		/** The offset of the corruption already counted, so that it is counted once. */
		int corruptAt = -1;

		volatile boolean fullyRead;

		volatile boolean deleted;

		/** Items read and not settled yet. */
		final AtomicInteger outstanding = new AtomicInteger();

		Segment(long sequence, Path file, long size, long createdMillis, long newestMillis) {
			this.sequence = sequence;
			this.file = file;
			this.size = size;
			this.createdMillis = createdMillis;
			this.newestMillis = newestMillis;
		}

	}

	private record Pending(Segment segment, long time) {
	}

}
