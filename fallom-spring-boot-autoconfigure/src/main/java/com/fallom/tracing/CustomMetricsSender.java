package com.fallom.tracing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.internal.BoundedSender;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.QueueStatistics;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends the custom metrics of {@link FallomTrace#span(Map)} with {@code POST /spans}, in
 * the background through a bounded queue: a full queue drops and counts, the caller never
 * waits on the network. Stopping flushes within the shutdown timeout.
 */
public class CustomMetricsSender implements SmartLifecycle, QueueStatistics {

	/** Stops after the web server, so that metrics of in-flight requests are still sent. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final BoundedSender<MetricRecord> sender;

	private final Duration shutdownTimeout;

	private volatile boolean running;

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
		this.sender = new BoundedSender<>("metrics", queueCapacity, itemSender);
		this.shutdownTimeout = shutdownTimeout;
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
		return this.sender.offer(record);
	}

	@Override
	public void start() {
		this.sender.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.sender.stop(this.shutdownTimeout);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public String getQueueName() {
		return "metrics";
	}

	/**
	 * Return the number of metric records waiting to be sent.
	 * @return the queue size
	 */
	@Override
	public int getQueueSize() {
		return this.sender.getQueueSize();
	}

	/**
	 * Return the number of metric records dropped because the queue was full or the
	 * shutdown flush ran out of time.
	 * @return the dropped count
	 */
	@Override
	public long getDroppedCount() {
		return this.sender.getDroppedCount();
	}

	/**
	 * Return the number of metric records the backend accepted.
	 * @return the sent count
	 */
	@Override
	public long getSentCount() {
		return this.sender.getSentCount();
	}

	/**
	 * Return the number of metric records whose sending failed.
	 * @return the failed count
	 */
	@Override
	public long getFailedCount() {
		return this.sender.getFailedCount();
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
