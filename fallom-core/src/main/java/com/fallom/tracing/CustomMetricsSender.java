package com.fallom.tracing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.internal.BackgroundSender;
import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.RetryBackoff;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the custom metrics of {@link FallomTrace#span(Map)} with {@code POST /spans}, in
 * the background through a bounded queue, with up to {@code maxInFlight} requests under
 * way: a full queue drops and counts, the caller never waits on the network. A failed
 * send is retried with back-off until it is delivered or the queue overflows. Stopping
 * flushes within the shutdown timeout.
 */
public class CustomMetricsSender extends BackgroundSender<CustomMetricsSender.MetricRecord> {

	/** Enough for 1,000 records/s at a 50 ms round trip, with room for slower answers. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 64;

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
		super(BoundedSender.builder("metrics", postJson(client, "/spans", timeout, CustomMetricsSender::toJson))
			.capacity(queueCapacity)
			.maxInFlight(maxInFlight)
			.backoff(backoff), shutdownTimeout);
	}

	CustomMetricsSender(BoundedSender.ItemSender<MetricRecord> itemSender, int queueCapacity,
			Duration shutdownTimeout) {
		super(BoundedSender.builder("metrics", BoundedSender.ItemSender.async(itemSender))
			.capacity(queueCapacity)
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
