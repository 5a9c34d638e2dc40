package com.fallom.models;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import com.fallom.internal.Arguments;
import com.fallom.internal.BackgroundSender;
import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.spool.SpoolCodec;
import com.fallom.internal.spool.SpoolDirectory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records assignments with {@code POST /sessions}, in the background through a bounded
 * queue, with up to {@code maxInFlight} requests under way so that a distant backend does
 * not cap the rate at one record per round trip. A failed send is retried with back-off
 * until it is delivered or the queue overflows. An assignment queued or recorded by this
 * process is not sent again while it stays in a fixed-size recent-set, so a busy session
 * costs one request, not one per call; a record the backend refuses or that is left at
 * shutdown leaves the set, so that a later call records it.
 */
public class SessionRecorder extends BackgroundSender<SessionRecorder.Queued> {

	/** Enough for 1,000 records/s at a 50 ms round trip, with room for slower answers. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 64;

	/**
	 * The largest recent-set: 16,777,216 sessions, 128 MiB of heap (8 bytes each). The set
	 * is an array rounded up to a power of two, so the size must stay far below the
	 * 2^31 an array can hold.
	 */
	public static final int MAX_RECENT_SESSIONS = 1 << 24;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final AtomicLongArray recent;

	private final int recentMask;

	/**
	 * Create a recorder with the default requests in flight and back-off; nothing is sent
	 * until {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most records waiting to be sent
	 * @param recentCapacity the size of the recent-set, rounded up to a power of two
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	public SessionRecorder(FallomHttpClient client, int queueCapacity, int recentCapacity, Duration timeout,
			Duration shutdownTimeout) {
		this(client, queueCapacity, recentCapacity, DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT, timeout,
				shutdownTimeout);
	}

	/**
	 * Create a recorder; nothing is sent until {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most records waiting to be sent
	 * @param recentCapacity the size of the recent-set, rounded up to a power of two
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	public SessionRecorder(FallomHttpClient client, int queueCapacity, int recentCapacity, int maxInFlight,
			RetryBackoff backoff, Duration timeout, Duration shutdownTimeout) {
		this(client, queueCapacity, recentCapacity, maxInFlight, backoff, timeout, shutdownTimeout, null);
	}

	/**
	 * Create a recorder that keeps what it cannot send in a spool; nothing is sent until
	 * {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most records waiting to be sent
	 * @param recentCapacity the size of the recent-set, rounded up to a power of two
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 * @param spool the spool, or {@code null} for memory only
	 */
	public SessionRecorder(FallomHttpClient client, int queueCapacity, int recentCapacity, int maxInFlight,
			RetryBackoff backoff, Duration timeout, Duration shutdownTimeout, @Nullable SpoolDirectory spool) {
		this(BoundedSender.builder("sessions",
				postJson(client, "/sessions", timeout, (Queued queued) -> toJson(queued.record())))
			.capacity(queueCapacity)
			.maxInFlight(maxInFlight)
			.backoff(backoff)
			.executor(client.executor())
			.spool((spool != null) ? spool.stream("sessions", CODEC) : null), recentCapacity, shutdownTimeout);
	}

	SessionRecorder(BoundedSender.ItemSender<SessionRecord> itemSender, int queueCapacity, int recentCapacity,
			Duration shutdownTimeout) {
		this(BoundedSender.builder("sessions",
				BoundedSender.ItemSender.async((Queued queued) -> itemSender.send(queued.record())))
			.capacity(queueCapacity)
			.backoff(new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))), recentCapacity,
				shutdownTimeout);
	}

	private SessionRecorder(BoundedSender.Builder<Queued> sender, int recentCapacity, Duration shutdownTimeout) {
		super(sender, shutdownTimeout);
		Arguments.isTrue(recentCapacity > 0 && recentCapacity <= MAX_RECENT_SESSIONS,
				() -> "'recentCapacity' must be between 1 and " + MAX_RECENT_SESSIONS + ", was " + recentCapacity);
		int size = Integer.highestOneBit(Math.max(1, recentCapacity - 1)) << 1;
		this.recent = new AtomicLongArray(size);
		this.recentMask = size - 1;
	}

	/** A queued record on disk: its identity, its version, and its three texts. */
	static final SpoolCodec<Queued> CODEC = new SpoolCodec<>() {

		@Override
		public byte[] encode(Queued queued) {
			SessionRecord record = queued.record();
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
			try (DataOutputStream out = new DataOutputStream(bytes)) {
				out.writeLong(queued.identity());
				out.writeInt(record.configVersion());
				writeText(out, record.configKey());
				writeText(out, record.sessionId());
				writeText(out, record.assignedModel());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return bytes.toByteArray();
		}

		@Override
		public Queued decode(byte[] bytes) throws IOException {
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
			long identity = in.readLong();
			int configVersion = in.readInt();
			SessionRecord record = new SessionRecord(readText(in, bytes.length), configVersion,
					readText(in, bytes.length), readText(in, bytes.length));
			if (in.available() != 0) {
				throw new IOException("trailing bytes");
			}
			return new Queued(record, identity);
		}

	};

	private static void writeText(DataOutputStream out, String text) throws IOException {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		out.writeInt(utf8.length);
		out.write(utf8);
	}

	private static String readText(DataInputStream in, int most) throws IOException {
		int length = in.readInt();
		if (length < 0 || length > most) {
			throw new IOException("bad text length");
		}
		return new String(in.readNBytes(length), StandardCharsets.UTF_8);
	}

	static byte[] toJson(SessionRecord record) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("config_key", record.configKey());
		body.put("config_version", record.configVersion());
		body.put("session_id", record.sessionId());
		body.put("assigned_model", record.assignedModel());
		return mapper.writeValueAsBytes(body);
	}

	/**
	 * Record an assignment unless it was recorded recently. Never blocks.
	 * @param configKey the config key
	 * @param configVersion the config version
	 * @param sessionId the session id
	 * @param model the assigned model
	 * @param sessionFingerprint 64 bits of the session id's digest
	 */
	public void record(String configKey, int configVersion, String sessionId, String model, long sessionFingerprint) {
		long identity = identity(configKey, configVersion, model, sessionFingerprint);
		int slot = slot(identity);
		if (this.recent.get(slot) == identity) {
			return;
		}
		// A lossy, direct-mapped set: a newer identity evicts the older one in its slot. Two
		// racing threads may both send; the backend treats a repeat as the same record.
		this.recent.set(slot, identity);
		if (!offer(new Queued(new SessionRecord(configKey, configVersion, sessionId, model), identity))) {
			// Not queued: let a later call try again.
			this.recent.compareAndSet(slot, identity, 0);
		}
	}

	@Override
	protected void discarded(List<Queued> items) {
		// Never delivered (refused, or left at shutdown): let a later call try again.
		for (Queued queued : items) {
			this.recent.compareAndSet(slot(queued.identity()), queued.identity(), 0);
		}
	}

	private int slot(long identity) {
		return (int) mix(identity) & this.recentMask;
	}

	private static long identity(String configKey, int configVersion, String model, long sessionFingerprint) {
		long identity = sessionFingerprint ^ mix(((long) configKey.hashCode() << 32) ^ (model.hashCode() * 31L)
				^ configVersion);
		return (identity != 0) ? identity : 1;
	}

	private static long mix(long value) {
		// The SplitMix64 finaliser: spreads every input bit over the slot index.
		long z = value;
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	/**
	 * One {@code POST /sessions} body.
	 *
	 * @param configKey the config key
	 * @param configVersion the config version
	 * @param sessionId the session id
	 * @param assignedModel the assigned model
	 */
	public record SessionRecord(String configKey, int configVersion, String sessionId, String assignedModel) {
	}

	/**
	 * A record waiting to be sent, with its identity in the recent-set.
	 *
	 * @param record the record
	 * @param identity the identity
	 */
	record Queued(SessionRecord record, long identity) {
	}

}
