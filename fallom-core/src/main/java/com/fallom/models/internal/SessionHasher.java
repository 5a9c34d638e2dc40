package com.fallom.models.internal;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes session ids the way every Fallom SDK does: MD5 of the UTF-8 bytes. Each thread
 * reuses one digest and one buffer, so hashing an ASCII id allocates nothing.
 * <p>
 * Not thread-safe: obtain one per thread with {@link #current()} and read the results
 * before hashing again.
 */
public final class SessionHasher {

	private static final int BUCKETS = 1_000_000;

	private static final int MAX_BUFFERED_LENGTH = 512;

	private static final ThreadLocal<SessionHasher> CURRENT = ThreadLocal.withInitial(SessionHasher::new);

	private final MessageDigest md5;

	private final byte[] buffer = new byte[MAX_BUFFERED_LENGTH];

	private final byte[] digest = new byte[16];

	private SessionHasher() {
		try {
			this.md5 = MessageDigest.getInstance("MD5");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is required by the Java platform", ex);
		}
	}

	/**
	 * Return the calling thread's hasher.
	 * @return the hasher
	 */
	public static SessionHasher current() {
		return CURRENT.get();
	}

	/**
	 * Hash a session id. Read {@link #bucket()} and {@link #fingerprint()} afterwards.
	 * @param sessionId the session id
	 * @return this hasher
	 */
	public SessionHasher hash(String sessionId) {
		int length = sessionId.length();
		if (length <= MAX_BUFFERED_LENGTH && copyAscii(sessionId, length)) {
			this.md5.update(this.buffer, 0, length);
		}
		else {
			this.md5.update(sessionId.getBytes(StandardCharsets.UTF_8));
		}
		try {
			this.md5.digest(this.digest, 0, this.digest.length);
		}
		catch (DigestException ex) {
			throw new IllegalStateException(ex);
		}
		return this;
	}

	private boolean copyAscii(String value, int length) {
		byte[] buffer = this.buffer;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x80) {
				return false;
			}
			buffer[i] = (byte) c;
		}
		return true;
	}

	/**
	 * Return the bucket of the last hashed id: its first four digest bytes as an
	 * unsigned big-endian integer, modulo 1,000,000.
	 * @return the bucket in {@code [0, 1_000_000)}
	 */
	public int bucket() {
		return (int) (Integer.toUnsignedLong(readInt(0)) % BUCKETS);
	}

	/**
	 * Return 64 further bits of the last digest, independent of the bucket: a compact
	 * identity of the session id for de-duplication.
	 * @return the fingerprint
	 */
	public long fingerprint() {
		return ((long) readInt(4) << 32) | Integer.toUnsignedLong(readInt(8));
	}

	private int readInt(int offset) {
		byte[] d = this.digest;
		return ((d[offset] & 0xFF) << 24) | ((d[offset + 1] & 0xFF) << 16) | ((d[offset + 2] & 0xFF) << 8)
				| (d[offset + 3] & 0xFF);
	}

	/**
	 * Compute the bucket of a session id without keeping the hasher.
	 * @param sessionId the session id
	 * @return the bucket in {@code [0, 1_000_000)}
	 */
	public static int bucketOf(String sessionId) {
		return current().hash(sessionId).bucket();
	}

}
