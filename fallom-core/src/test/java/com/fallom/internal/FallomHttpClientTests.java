package com.fallom.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import com.fallom.CapturedLogs;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests that {@link FallomHttpClient} bounds every request against a
 * {@link FallomMockServer}, by time (body included) and by size.
 */
@ExtendWith(CapturedLogs.Extension.class)
class FallomHttpClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private FallomMockServer server;

	private FallomHttpClient client;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(), TIMEOUT,
				64 * 1024);
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.server.close();
	}

	@Test
	void getEndsWithinTheTimeoutWhenTheBodyStallsAfterTheHeaders() {
		this.server.fault(Endpoint.CONFIGS, Fault.stallBody());
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatExceptionOfType(HttpTimeoutException.class)
			.isThrownBy(() -> this.client.get("/configs", null)));
	}

	@Test
	void asyncRequestsEndWithinTheTimeoutWhenTheBodyStallsAfterTheHeaders() {
		this.server.fault(Endpoint.SESSIONS, Fault.stallBody()).fault(Endpoint.CONFIG_VERSION, Fault.stallBody());
		// Fails (not merely not done) within 10 s: the time-out ended it
		assertThat(this.client.postJsonAsync("/sessions", "{}".getBytes(StandardCharsets.UTF_8), TIMEOUT))
			.failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutException.class);
		assertThat(this.client.getAsync("/configs/support/version/1")).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TimeoutException.class);
	}

	@Test
	void answerLargerThanTheMostAcceptedFailsTheRequest() throws Exception {
		this.server.fault(Endpoint.CONFIGS, Fault.paddedBody(100_000).times(1));
		assertThatExceptionOfType(ResponseTooLargeException.class).isThrownBy(() -> this.client.get("/configs", null))
			.withMessage("response body larger than 65536 bytes");
		assertThat(this.client.get("/configs", null).status()).isEqualTo(200);
		this.server.fault(Endpoint.PROMPTS, Fault.paddedBody(100_000).times(1));
		assertThat(this.client.forService(URI.create(this.server.baseUrl())).getAsync("/prompts"))
			.failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(ResponseTooLargeException.class);
	}

	@Test
	void configSyncEndsAndKeepsItsLastGoodStateWhenTheBodyStalls() {
		ConfigRefresher refresher = new ConfigRefresher(this.client, new ModelConfigRegistry(List.of(), null),
				Duration.ofMinutes(10), Duration.ofSeconds(2), null, Clock.systemUTC());
		this.server.putConfig("support", 1, weights("gpt-4o", 100));
		assertThat(refresher.refreshNow()).isTrue();
		this.server.putConfig("support", 2, weights("claude", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.stallBody());
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(refresher.refreshNow()).isFalse());
		assertThat(refresher.getStatus().consecutiveFailures()).isOne();
		assertThat(refresher.getRegistry().getLatest("support").getVersion()).isOne();
		this.server.clearFaults();
		assertThat(refresher.refreshNow()).isTrue();
		assertThat(refresher.getRegistry().getLatest("support").getVersion()).isEqualTo(2);
	}

	@Test
	void configSyncKeepsItsLastGoodStateWithOneWarnWhenTheAnswerIsTooLarge(CapturedLogs logs) {
		ConfigRefresher refresher = new ConfigRefresher(this.client, new ModelConfigRegistry(List.of(), null),
				Duration.ofMinutes(10), Duration.ofSeconds(2), null, Clock.systemUTC());
		this.server.putConfig("support", 1, weights("gpt-4o", 100));
		assertThat(refresher.refreshNow()).isTrue();
		this.server.putConfig("support", 2, weights("claude", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.paddedBody(100_000));
		assertThat(refresher.refreshNow()).isFalse();
		assertThat(refresher.refreshNow()).isFalse();
		assertThat(refresher.getRegistry().getLatest("support").getVersion()).isOne();
		assertThat(logs.count("WARNING")).isOne();
		assertThat(logs.toString()).contains("response body larger than 65536 bytes");
	}

	@Test
	void getIsSentOnceMoreWhenItsConnectionClosesBeforeAnyAnswerButAPostIsLeftToItsSender() throws Exception {
		this.server.putConfig("support", 1, weights("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.reset().times(1));
		assertThat(this.client.get("/configs", null).status()).isEqualTo(200);
		assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(2);
		this.server.fault(Endpoint.CONFIGS, Fault.reset().times(2));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.client.get("/configs", null));
		// A POST may have been acted on: its sender decides, with its back-off
		this.server.fault(Endpoint.SESSIONS, Fault.reset().times(1));
		assertThat(this.client.postJsonAsync("/sessions", "{}".getBytes(StandardCharsets.UTF_8), TIMEOUT))
			.failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IOException.class);
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isOne();
	}

	@Test
	void refusesAMostResponseSizeThatIsNotPositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FallomHttpClient(URI.create(this.server.baseUrl()), "key", TIMEOUT, 0))
			.withMessageContaining("maxResponseBytes");
	}

	private static Map<String, Number> weights(String model, Number weight) {
		Map<String, Number> weights = new LinkedHashMap<>();
		weights.put(model, weight);
		return weights;
	}

}
