package com.fallom.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.fallom.internal.FallomHttpClient;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The bounds of custom metrics ({@link FallomTrace#span(Map, String, String)}): a blank
 * session id or config key is refused, a record is at most 64 KiB of JSON, and the queue
 * holds at most 16 MiB of records, against a {@link FallomMockServer} over real HTTP.
 */
@FallomMockServerTest
class CustomMetricsLimitsTests {

	private FallomHttpClient client;

	private CustomMetricsSender sender;

	@AfterEach
	void stop() {
		FallomSessionHolder.clearAll();
		if (this.sender != null) {
			this.sender.stop();
		}
		if (this.client != null) {
			this.client.close();
		}
	}

	private FallomTrace online(FallomMockServer server, int capacity) {
		this.client = new FallomHttpClient(URI.create(server.baseUrl()), server.apiKey(), Duration.ofSeconds(1));
		this.sender = new CustomMetricsSender(this.client, capacity, Duration.ofSeconds(1), Duration.ZERO);
		this.sender.start();
		return new FallomTrace(this.sender);
	}

	@Test
	void aBlankSessionIdOrConfigKeyIsRefusedEvenWithASessionSet(FallomMockServer server) {
		FallomTrace trace = online(server, 100);
		trace.setSession("support", "s1");
		Map<String, Object> data = Map.of("score", 1);

		assertThatIllegalArgumentException().isThrownBy(() -> trace.span(data, "support", "   "))
			.withMessage("Session id must not be blank: pass null to use the current session's");
		assertThatIllegalArgumentException().isThrownBy(() -> trace.span(data, "support", ""))
			.withMessageStartingWith("Session id must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> trace.span(data, " ", "s2"))
			.withMessage("Config key must not be blank: pass null to use the current session's");
		assertThatIllegalArgumentException().isThrownBy(() -> trace.setSession("support", " \t"))
			.withMessage("Session id must not be null or blank");
		trace.span(data, null, null);
		await().atMost(Duration.ofSeconds(10)).until(() -> server.metricsRecords().size() == 1);
		assertThat(server.metricsRecords().get(0).sessionId()).isEqualTo("s1");
	}

	@Test
	void aRecordOfMoreThan64KibIsRefusedWithAClearMessageOnlineAndOffline(FallomMockServer server) {
		Map<String, Object> big = Map.of("notes", "x".repeat(CustomMetricsSender.MAX_RECORD_BYTES));
		Map<String, Object> quoted = Map.of("notes", "\"".repeat(CustomMetricsSender.MAX_RECORD_BYTES / 2));
		for (FallomTrace trace : new FallomTrace[] { online(server, 100), new FallomTrace() }) {
			assertThatIllegalArgumentException().isThrownBy(() -> trace.span(big, "support", "s1"))
				.withMessageContaining("more than the 65536 bytes a record may have");
			assertThatIllegalArgumentException().as("escapes count").isThrownBy(() -> trace.span(quoted, "support", "s1"));
		}
		online(server, 100).span(Map.of("notes", "x".repeat(60_000), "score", 0.5), "support", "s1");
		await().atMost(Duration.ofSeconds(10)).until(() -> server.metricsRecords().size() == 1);
	}

	@Test
	void theQueueHoldsAtMost16MibOfRecordsWhileTheBackendIsDown(FallomMockServer server) {
		server.fault(Endpoint.SPANS, Fault.status(503));
		FallomTrace trace = online(server, 10_000);
		Map<String, Object> data = Map.of("notes", "x".repeat(60_000));
		for (int i = 0; i < 400; i++) {
			trace.span(data, "support", "s" + i);
		}
		long fit = CustomMetricsSender.MAX_QUEUED_BYTES / 60_000;
		assertThat(this.sender.getDroppedCount()).isBetween(400 - fit, 400L - fit / 2);
		server.clearFaults();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> server.metricsRecords().size() == 400 - this.sender.getDroppedCount());
	}

}
