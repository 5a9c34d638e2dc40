package com.fallom.tracing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.internal.BackgroundSender;
import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.LogText;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.spool.SpoolCodec;
import com.fallom.internal.spool.SpoolDirectory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the custom metrics of {@link FallomTrace#span(Map)} with {@code POST /spans}, in
 * the background through a bounded queue, with up to {@code maxInFlight} requests under
 * way: a full queue drops and counts, the caller never waits on the network. A failed
 * send is retried with back-off until it is delivered or the queue overflows. Stopping
 * flushes within the shutdown timeout. A record's JSON is at most
 * {@value #MAX_RECORD_BYTES} bytes, and the queue holds at most {@value #MAX_QUEUED_BYTES}
 * bytes of records: beyond, records are dropped and counted like a full queue's.
 */
public class CustomMetricsSender extends BackgroundSender<CustomMetricsSender.MetricRecord> {

	/** Enough for 1,000 records/s at a 50 ms round trip, with room for slower answers. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 64;

	/**
	 * The most bytes of one record's JSON: 64 KiB. Metrics are numbers and short labels;
	 * a record this big carries a document, which belongs in a trace, not a metric.
	 */
	public static final int MAX_RECORD_BYTES = 64 * 1024;

	/**
	 * The most bytes of records waiting to be sent: 16 MiB, like the span queue, so that
	 * a backend outage holds a bounded part of the heap whatever the records hold.
	 */
	public static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

	/** The JSON around the fields: the names config_key, session_id and data, braces. */
	private static final int RECORD_OVERHEAD = 48;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * Create a sender with the default requests in flight and back-off; nothing is sent
	 * until {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most metric records waiting to be sent
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	public CustomMetricsSender(FallomHttpClient client, int queueCapacity, Duration timeout,
			Duration shutdownTimeout) {
		this(client, queueCapacity, DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT, timeout, shutdownTimeout);
	}

	/**
	 * Create a sender; nothing is sent until {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most metric records waiting to be sent
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	public CustomMetricsSender(FallomHttpClient client, int queueCapacity, int maxInFlight, RetryBackoff backoff,
			Duration timeout, Duration shutdownTimeout) {
		this(client, queueCapacity, maxInFlight, backoff, timeout, shutdownTimeout, null);
	}

	/**
	 * Create a sender that keeps what it cannot send in a spool; nothing is sent until
	 * {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most metric records waiting to be sent
	 * @param maxInFlight the most requests under way at once
	 * @param backoff the back-off between retries
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 * @param spool the spool, or {@code null} for memory only
	 */
	public CustomMetricsSender(FallomHttpClient client, int queueCapacity, int maxInFlight, RetryBackoff backoff,
			Duration timeout, Duration shutdownTimeout, @Nullable SpoolDirectory spool) {
		super(BoundedSender.builder("metrics", postJson(client, "/spans", timeout, CustomMetricsSender::toJson))
			.capacity(queueCapacity)
			.maxQueuedBytes(MAX_QUEUED_BYTES, CustomMetricsSender::estimatedBytes)
			.maxInFlight(maxInFlight)
			.backoff(backoff)
			.executor(client.executor())
			.spool((spool != null) ? spool.stream("metrics", CODEC) : null), shutdownTimeout);
	}

	/** A record on disk is its JSON, read back with decimals exact. */
	static final SpoolCodec<MetricRecord> CODEC = new SpoolCodec<>() {

		private final JsonMapper reader = JsonMapper.builder()
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.build();

		@Override
		public byte[] encode(MetricRecord record) {
			return toJson(record);
		}

		@Override
		@SuppressWarnings("unchecked")
		public MetricRecord decode(byte[] bytes) throws IOException {
			Map<String, Object> body;
			try {
				body = this.reader.readValue(bytes, LinkedHashMap.class);
			}
			catch (RuntimeException ex) {
				throw new IOException("not a metric record", ex);
			}
			if (body.get("config_key") instanceof String configKey && body.get("session_id") instanceof String sessionId
					&& body.get("data") instanceof Map<?, ?> data) {
				return new MetricRecord(configKey, sessionId, (Map<String, Object>) data);
			}
			throw new IOException("not a metric record");
		}

	};

	CustomMetricsSender(BoundedSender.ItemSender<MetricRecord> itemSender, int queueCapacity,
			Duration shutdownTimeout) {
		this(itemSender, queueCapacity, MAX_QUEUED_BYTES, shutdownTimeout);
	}

	CustomMetricsSender(BoundedSender.ItemSender<MetricRecord> itemSender, int queueCapacity, long maxQueuedBytes,
			Duration shutdownTimeout) {
		super(BoundedSender.builder("metrics", BoundedSender.ItemSender.async(itemSender))
			.capacity(queueCapacity)
			.maxQueuedBytes(maxQueuedBytes, CustomMetricsSender::estimatedBytes)
			.backoff(new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))), shutdownTimeout);
	}

	static byte[] toJson(MetricRecord record) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("config_key", record.configKey());
		body.put("session_id", record.sessionId());
		body.put("data", record.data());
		return mapper.writeValueAsBytes(body);
	}

	/**
	 * Refuse a record whose JSON would be bigger than {@value #MAX_RECORD_BYTES} bytes.
	 * @param record the record
	 * @throws IllegalArgumentException when it is too big
	 */
	public static void checkSize(MetricRecord record) {
		long bytes = estimatedBytes(record);
		if (bytes > MAX_RECORD_BYTES) {
			throw new IllegalArgumentException("Custom metrics of session '" + LogText.of(record.sessionId()) + "' take about "
					+ bytes + " bytes of JSON, more than the " + MAX_RECORD_BYTES
					+ " bytes a record may have: send numbers and short labels, not documents");
		}
	}

	/**
	 * Estimate the bytes of a record's JSON, never less than what is sent: every string
	 * counted in UTF-8 with its escapes, so a record can be bounded without writing it.
	 * @param record the record
	 * @return the estimated bytes
	 */
	static long estimatedBytes(MetricRecord record) {
		long bytes = RECORD_OVERHEAD + jsonBytes(record.configKey()) + jsonBytes(record.sessionId());
		for (Map.Entry<String, Object> entry : record.data().entrySet()) {
			bytes += jsonBytes(entry.getKey()) + 2 + valueBytes(entry.getValue());
		}
		return bytes;
	}

	private static long valueBytes(Object value) {
		if (value instanceof String text) {
			return jsonBytes(text);
		}
		if (value instanceof BigInteger big) {
			// Digits from the bit length, without writing a number that may be huge.
			return big.bitLength() * 30103L / 100000 + 3;
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.unscaledValue().bitLength() * 30103L / 100000 + 16;
		}
		// Other numbers and booleans: at most the 24 characters of a double.
		return 24;
	}

	private static long jsonBytes(String text) {
		long bytes = 2;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20) {
				bytes += 6;
			}
			else if (c == '"' || c == '\\') {
				bytes += 2;
			}
			else if (c < 0x80) {
				bytes += 1;
			}
			else if (c < 0x800 || Character.isSurrogate(c)) {
				// A surrogate pair is 4 bytes in all, 2 per char.
				bytes += 2;
			}
			else {
				bytes += 3;
			}
		}
		return bytes;
	}

	/**
	 * Queue validated metrics without blocking.
	 * @param record the metrics and their session
	 * @return {@code false} when the queue was full and the record was dropped
	 */
	public boolean send(MetricRecord record) {
		return offer(record);
	}

	/**
	 * One {@code POST /spans} body.
	 *
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param data the metrics by name: numbers, booleans and strings
	 */
	public record MetricRecord(String configKey, String sessionId, Map<String, Object> data) {
	}

}
