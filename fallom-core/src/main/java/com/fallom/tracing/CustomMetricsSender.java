package com.fallom.tracing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.internal.BackgroundSender;
import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the custom metrics of {@link FallomTrace#span(Map)} with {@code POST /spans}, in
 * the background through a bounded queue: a full queue drops and counts, the caller never
 * waits on the network. Stopping flushes within the shutdown timeout.
 */
public class CustomMetricsSender extends BackgroundSender<CustomMetricsSender.MetricRecord> {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/**
	 * Create a sender; nothing is sent until {@link #start()}.
	 * @param client the HTTP client
	 * @param queueCapacity the most metric records waiting to be sent
	 * @param timeout the timeout of one request
	 * @param shutdownTimeout the longest {@link #stop()} flushes
	 */
	public CustomMetricsSender(FallomHttpClient client, int queueCapacity, Duration timeout,
			Duration shutdownTimeout) {
		this((record) -> {
			FallomHttpClient.Response response = client.postJson("/spans", toJson(record), timeout);
			if (!response.isSuccessful()) {
				throw new IllegalStateException("HTTP " + response.status());
			}
		}, queueCapacity, shutdownTimeout);
	}

	CustomMetricsSender(BoundedSender.ItemSender<MetricRecord> itemSender, int queueCapacity,
			Duration shutdownTimeout) {
		super("metrics", queueCapacity, itemSender, shutdownTimeout);
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
