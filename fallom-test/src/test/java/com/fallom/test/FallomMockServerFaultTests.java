package com.fallom.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the faults that {@link FallomMockServer} injects.
 */
class FallomMockServerFaultTests {

	private FallomMockServer server;

	private TestHttp http;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.http = new TestHttp(this.server);
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void statusFaultAnswersThatCodeOnItsEndpointUntilCleared() {
		this.server.fault(Endpoint.CONFIGS, Fault.status(503));
		HttpResponse<String> faulted = this.http.get("/configs");
		assertThat(faulted.statusCode()).isEqualTo(503);
		assertThat(faulted.body()).contains("503");
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(503);
		assertThat(this.http.postJson("/sessions", "{}").statusCode()).isEqualTo(200);
		this.server.clearFaults();
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
		assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(3);
	}

	@Test
	void statusFaultDoesNotRecordTheRejectedSession() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(500));
		assertThat(this.http.postJson("/sessions", "{\"session_id\": \"s\"}").statusCode()).isEqualTo(500);
		assertThat(this.server.sessions()).isEmpty();
		assertThat(this.server.requests(Endpoint.SESSIONS)).hasSize(1);
	}

	@Test
	void limitedFaultAppliesToTheNextRequestsOnly() {
		this.server.fault(Endpoint.SPANS, Fault.status(429).times(2));
		assertThat(this.http.postJson("/spans", "{}").statusCode()).isEqualTo(429);
		assertThat(this.http.postJson("/spans", "{}").statusCode()).isEqualTo(429);
		assertThat(this.http.postJson("/spans", "{}").statusCode()).isEqualTo(200);
		assertThat(this.server.metrics()).hasSize(1);
	}

	@Test
	void bodyFaultAnswersExactlyThatBodyEvenWhenNoStoreWouldTakeIt() {
		String deep = "{\"configs\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
		this.server.fault(Endpoint.CONFIGS, Fault.body(deep).times(1));
		HttpResponse<String> faulted = this.http.get("/configs");
		assertThat(faulted.statusCode()).isEqualTo(200);
		assertThat(faulted.body()).isEqualTo(deep);
		assertThat(this.http.get("/configs").body()).isNotEqualTo(deep);
		assertThat(Fault.body("{}")).isEqualTo(Fault.body("{}")).isNotEqualTo(Fault.body("[]"));
		assertThat(Fault.body("{}")).hasToString("Fault.body(2 bytes)");
	}

	@Test
	void newFaultReplacesTheEndpointsPreviousFault() {
		this.server.fault(Endpoint.CONFIGS, Fault.status(500)).fault(Endpoint.CONFIGS, Fault.status(404).times(1));
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
	}

	@Test
	void faultsDoNotApplyToUnauthorizedRequests() {
		this.server.fault(Endpoint.CONFIGS, Fault.status(500).times(1));
		HttpResponse<String> unauthorized = TestHttp.send(HttpRequest.newBuilder(URI.create(this.server.baseUrl() + "/configs"))
			.build());
		assertThat(unauthorized.statusCode()).isEqualTo(401);
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(500);
	}

	@Test
	void delayFaultHoldsOnlyItsEndpointAndThenAnswersNormally() throws Exception {
		this.server.fault(Endpoint.CONFIGS, Fault.delay(Duration.ofMillis(300)).times(1));
		long start = System.nanoTime();
		CompletableFuture<HttpResponse<String>> delayed = TestHttp.sendAsync(this.http.request("/configs").build());
		assertThat(this.http.postJson("/sessions", "{}").statusCode()).isEqualTo(200);
		assertThat(this.http.get("/configs/x/version/1").statusCode()).isEqualTo(404);
		HttpResponse<String> response = delayed.get(10, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
	}

	@Test
	void delayFaultKeepsRequestPendingWhileOtherRequestsAreServedAndEndsOnClose() throws Exception {
		this.server.fault(Endpoint.TRACES, Fault.delay(Duration.ofMinutes(5)));
		CompletableFuture<HttpResponse<String>> delayed = TestHttp.sendAsync(this.http.request("/v1/traces")
			.header("Content-Type", "application/x-protobuf")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0]))
			.build());
		for (int i = 0; i < 20; i++) {
			assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
		}
		assertThat(this.server.requestCount(Endpoint.TRACES)).isEqualTo(1);
		assertThat(delayed).isNotDone();
		this.server.close();
		assertThat(delayed).failsWithin(Duration.ofSeconds(5));
		assertThat(this.server.traceRequests()).isEmpty();
	}

	@Test
	void malformedBodyFaultAnswers200WithUnparseableJson() {
		this.server.putConfig("a", 1, Map.of("m", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.malformedBody());
		HttpResponse<String> response = this.http.get("/configs");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> JsonMapper.shared().readTree(response.body()));
	}

	@Test
	void malformedBodyFaultOnTracesAnswers200WithUndecodableProtobuf() {
		this.server.fault(Endpoint.TRACES, Fault.malformedBody());
		HttpResponse<byte[]> response = this.http.postProtobuf(ExportTraceServiceRequest.getDefaultInstance().toByteArray(),
				false);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
		assertThatExceptionOfType(InvalidProtocolBufferException.class)
			.isThrownBy(() -> ExportTraceServiceResponse.parseFrom(response.body()));
		assertThat(this.server.traceRequests()).isEmpty();
	}

	@Test
	void resetFaultClosesTheConnectionWithoutAnAnswer() {
		this.server.fault(Endpoint.SESSIONS, Fault.reset().times(1));
		CompletableFuture<HttpResponse<String>> reset = TestHttp.sendAsync(this.http.request("/sessions")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertThat(reset).failsWithin(Duration.ofSeconds(5));
		assertThat(this.server.sessions()).isEmpty();
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isEqualTo(1);
		assertThat(this.http.postJson("/sessions", "{}").statusCode()).isEqualTo(200);
	}

	@Test
	void hangFaultNeverAnswersUntilTheFaultsChange() throws Exception {
		this.server.fault(Endpoint.SPANS, Fault.hang());
		CompletableFuture<HttpResponse<String>> hanging = TestHttp.sendAsync(this.http.request("/spans")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.server.requestCount(Endpoint.SPANS) == 1);
		assertThat(hanging).isNotDone();
		this.server.clearFaults();
		assertThat(hanging).failsWithin(Duration.ofSeconds(5));
		assertThat(this.server.metrics()).isEmpty();
		assertThat(this.http.postJson("/spans", "{}").statusCode()).isEqualTo(200);
	}

	@Test
	void statusFaultSendsTheRetryAfterItWasGiven() {
		this.server.fault(Endpoint.SESSIONS, Fault.status(503).withRetryAfter("1765000000000").times(1));
		HttpResponse<String> faulted = this.http.postJson("/sessions", "{}");
		assertThat(faulted.statusCode()).isEqualTo(503);
		assertThat(faulted.headers().firstValue("Retry-After")).hasValue("1765000000000");
		assertThat(this.http.postJson("/sessions", "{}").headers().firstValue("Retry-After")).isEmpty();
	}

	@Test
	void stallBodyFaultSendsTheHeadersThenNoMoreUntilTheFaultsChange() throws Exception {
		this.server.fault(Endpoint.CONFIGS, Fault.stallBody());
		CompletableFuture<HttpResponse<InputStream>> headers = TestHttp.client()
			.sendAsync(this.http.request("/configs").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
		HttpResponse<InputStream> response = headers.get(5, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		CompletableFuture<byte[]> body = CompletableFuture.supplyAsync(() -> {
			try (InputStream in = response.body()) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		assertThat(this.http.get("/prompts").statusCode()).isEqualTo(200);
		assertThat(body).isNotDone();
		this.server.clearFaults();
		assertThat(body).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(UncheckedIOException.class);
	}

	@Test
	void paddedBodyFaultAnswersTheUsualListPaddedToTheSize() {
		this.server.fault(Endpoint.CONFIGS, Fault.paddedBody(100_000));
		HttpResponse<String> padded = this.http.get("/configs");
		assertThat(padded.statusCode()).isEqualTo(200);
		assertThat(padded.body()).hasSize(100_000).startsWith("{").isEqualTo(padded.body().stripTrailing()
				+ " ".repeat(100_000 - padded.body().stripTrailing().length()));
		assertThat(this.http.postJson("/sessions", "{}").statusCode()).isEqualTo(200);
	}

	@Test
	void rejectsInvalidFaults() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.paddedBody(0));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> Fault.hang().withRetryAfter("1"));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(99));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.status(600));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.delay(Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> Fault.malformedBody().times(0));
	}

	@Test
	void describesFaultsReadably() {
		assertThat(Fault.status(503).times(2)).hasToString("Fault.status(503).times(2)");
		assertThat(Fault.delay(Duration.ofSeconds(3))).hasToString("Fault.delay(PT3S)");
		assertThat(Fault.malformedBody()).isEqualTo(Fault.malformedBody());
		assertThat(Fault.reset().times(3)).hasToString("Fault.reset().times(3)");
		assertThat(Fault.hang()).hasToString("Fault.hang()");
		assertThat(Fault.status(429).withRetryAfter("7")).hasToString("Fault.status(429).withRetryAfter(\"7\")");
		assertThat(Fault.stallBody()).hasToString("Fault.stallBody()");
		assertThat(Fault.paddedBody(10)).hasToString("Fault.paddedBody(10)");
	}

}
