package com.fallom.internal.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.fallom.internal.Arguments;
import com.fallom.internal.Failures;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One process's spool: a directory it holds a file lock on, with a sub-directory per
 * backend (its URL and API key, hashed, so that records are never replayed to another
 * project) and below it one per stream. The byte bound is shared by the streams. Opening
 * never fails the caller: a directory that cannot be created, written or locked is one
 * WARN and {@code null}, and delivery stays in memory. Internal API.
 */
public final class SpoolDirectory implements AutoCloseable {

	/** The most bytes on disk by default: 512 MiB. */
	public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;

	/** The oldest item kept by default. */
	public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

	/** The size at which a segment file is closed and a new one begun. */
	public static final long DEFAULT_SEGMENT_BYTES = 4L * 1024 * 1024;

	static final String LOCK_FILE = "fallom-spool.lock";

	private static final Log logger = LogFactory.getLog(SpoolDirectory.class);

	private final Path root;

	private final Path directory;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private final long maxBytes;

	private final Duration maxAge;

	private final long segmentBytes;

	private final Clock clock;

	private final AtomicLong totalBytes = new AtomicLong();

	private final List<Spool<?>> spools = new CopyOnWriteArrayList<>();

	private final Map<String, Spool<?>> byName = new ConcurrentHashMap<>();

	private SpoolDirectory(Path root, Path directory, FileChannel lockChannel, FileLock lock, long maxBytes,
			Duration maxAge, long segmentBytes, Clock clock) {
		this.root = root;
		this.directory = directory;
		this.lockChannel = lockChannel;
		this.lock = lock;
		this.maxBytes = maxBytes;
		this.maxAge = maxAge;
		this.segmentBytes = segmentBytes;
		this.clock = clock;
	}

	/**
	 * Open a spool with the default bounds and segment size.
	 * @param root the directory, created when missing
	 * @param backend what identifies the backend the items go to (its URL and key)
	 * @param maxBytes the most bytes on disk, all streams together
	 * @param maxAge the oldest item kept
	 * @return the spool, or {@code null} (after one WARN) when it cannot be used
	 */
	public static @Nullable SpoolDirectory open(Path root, String backend, long maxBytes, Duration maxAge) {
		return open(root, backend, maxBytes, maxAge, Math.min(DEFAULT_SEGMENT_BYTES, Math.max(1, maxBytes / 8)),
				Clock.systemUTC());
	}

	/**
	 * Open a spool.
	 * @param root the directory, created when missing
	 * @param backend what identifies the backend the items go to (its URL and key)
	 * @param maxBytes the most bytes on disk, all streams together
	 * @param maxAge the oldest item kept
	 * @param segmentBytes the size at which a segment is closed
	 * @param clock the clock of the items' times
	 * @return the spool, or {@code null} (after one WARN) when it cannot be used
	 */
	public static @Nullable SpoolDirectory open(Path root, String backend, long maxBytes, Duration maxAge,
			long segmentBytes, Clock clock) {
		Arguments.isTrue(maxBytes > 0, "'maxBytes' must be positive");
		Arguments.isTrue(maxAge != null && !maxAge.isNegative() && !maxAge.isZero(), "'maxAge' must be positive");
		Arguments.isTrue(segmentBytes > 0, "'segmentBytes' must be positive");
		FileChannel channel = null;
		try {
			createPrivateDirectories(root);
			channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (OverlappingFileLockException ex) {
				lock = null;
			}
			if (lock == null) {
				channel.close();
				logger.warn("Fallom delivery spool: " + root + " is in use by another process (or another Fallom "
						+ "instance of this one); this one keeps undelivered items in memory only. Give each "
						+ "application its own fallom.delivery.spool-dir");
				return null;
			}
			Path directory = root.resolve(backendDirectory(backend));
			createPrivateDirectories(directory);
			Path probe = Files.createTempFile(directory, "probe", ".tmp");
			Files.delete(probe);
			return new SpoolDirectory(root, directory, channel, lock, maxBytes, maxAge, segmentBytes, clock);
		}
		catch (IOException | RuntimeException ex) {
			if (channel != null) {
				try {
					channel.close();
				}
				catch (IOException closing) {
					// Not locked: nothing to release
				}
			}
			logger.warn("Fallom delivery spool: cannot use " + root + " (" + Failures.describe(ex)
					+ "); undelivered items are kept in memory only");
			return null;
		}
	}

	/** The sub-directory of one backend: its URL and key, hashed, never the key itself. */
	static String backendDirectory(String backend) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(backend.getBytes(StandardCharsets.UTF_8));
			return "backend-" + HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void createPrivateDirectories(Path directory) throws IOException {
		if (Files.isDirectory(directory)) {
			return;
		}
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			// The items may hold prompts and completions: readable by this user only
			Files.createDirectories(directory,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		else {
			Files.createDirectories(directory);
		}
	}

	/**
	 * Open the spool of one stream, reading what an earlier process left (headers only).
	 * @param <T> the item type
	 * @param name the stream's name, a plain word
	 * @param codec writes and reads its items
	 * @return the stream's spool
	 */
	@SuppressWarnings("unchecked")
	public synchronized <T> Spool<T> stream(String name, SpoolCodec<T> codec) {
		Arguments.isTrue(name.matches("[a-z][a-z0-9-]*"), "'name' must be a plain word");
		Spool<?> existing = this.byName.get(name);
		if (existing != null) {
			return (Spool<T>) existing;
		}
		Spool<T> spool = new Spool<>(this, name, this.directory.resolve(name), codec);
		this.byName.put(name, spool);
		this.spools.add(spool);
		return spool;
	}

	/**
	 * Return the directory this process locked.
	 * @return the root directory
	 */
	public Path getRoot() {
		return this.root;
	}

	/**
	 * Return the bytes of all streams' segments.
	 * @return the bytes on disk
	 */
	public long getBytes() {
		return this.totalBytes.get();
	}

	/**
	 * Return the most bytes on disk.
	 * @return the bound
	 */
	public long getMaxBytes() {
		return this.maxBytes;
	}

	/**
	 * Return the oldest item kept.
	 * @return the bound
	 */
	public Duration getMaxAge() {
		return this.maxAge;
	}

	long segmentBytes() {
		return this.segmentBytes;
	}

	Clock clock() {
		return this.clock;
	}

	AtomicLong totalBytes() {
		return this.totalBytes;
	}

	/**
	 * Close every stream's spool and release the lock; the files stay for the next process.
	 */
	@Override
	public void close() {
		for (Spool<?> spool : this.spools) {
			spool.close();
		}
		try {
			this.lock.release();
			this.lockChannel.close();
		}
		catch (IOException ex) {
			logger.debug("Fallom delivery spool: could not release the lock of " + this.root, ex);
		}
	}

}
