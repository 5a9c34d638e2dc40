package com.fallom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelOptions;
import com.fallom.models.ModelVariant;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.TraceRecord;
import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the plain-Java {@link Fallom} engine against a {@link FallomMockServer} over
 * real HTTP, with no Spring anywhere on the classpath.
 */
class FallomTests {

	private static final ModelConfig BOOTSTRAP = new ModelConfig("support", 1,
			List.of(new ModelVariant("local-model", 100)), ConfigOrigin.BOOTSTRAP);

	private FallomMockServer server;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	private Fallom.Builder online() {
		return Fallom.builder(Map.of()).apiKey(this.server.apiKey()).baseUrl(this.server.baseUrl());
	}

	@Test
	void buildSyncsBeforeReturningAndAssignsEveryVectorCaseLikeThePythonSdk() throws IOException {
		JsonNode vectors = vectors();
		for (JsonNode older : vectors.get("older_versions")) {
			this.server.putConfig(older.toString());
		}
		for (JsonNode config : vectors.get("configs")) {
			this.server.putConfig(config.toString());
		}
		try (Fallom fallom = online().build()) {
			assertThat(fallom.configRegistry().getState().origin()).isEqualTo(ConfigOrigin.FETCHED);
			int cases = 0;
			for (JsonNode c : vectors.get("cases")) {
				ModelOptions options = c.hasNonNull("version") ? ModelOptions.version(c.get("version").asInt())
						: ModelOptions.latest();
				assertThat(fallom.models().get(c.get("config_key").asString(), c.get("session_id").asString(), options))
					.as(c.toString())
					.isEqualTo(c.get("expected_model").asString());
				cases++;
			}
			assertThat(cases).isEqualTo(666);
		}
	}

	@Test
	void recordsSessionsCustomMetricsAndSpansAndCloseFlushesThem() {
		this.server.putConfig("support", 2, Map.of("gpt-4o", 100));
		Fallom fallom = online().build();
		for (int i = 0; i < 50; i++) {
			assertThat(fallom.models().get("support", "session-" + i)).isEqualTo("gpt-4o");
		}
		fallom.trace().span(Map.of("outlier_score", 0.8), "support", "session-7");
		Span span = fallom.tracer().spanBuilder("chat gpt-4o").startSpan();
		span.setAttribute("gen_ai.request.model", "gpt-4o");
		span.end();
		fallom.close();
		assertThat(this.server.sessions()).hasSize(50)
			.contains(Map.of("config_key", "support", "config_version", 2, "session_id", "session-7",
					"assigned_model", "gpt-4o"));
		assertThat(this.server.metrics()).hasSize(1);
		assertThat(this.server.traceRecords()).extracting(TraceRecord::name).containsExactly("chat gpt-4o");
		assertThat(this.server.traceSpans()).isEmpty();
		assertThat(this.server.requests(Endpoint.CONFIGS).get(0).header("Authorization"))
			.isEqualTo("Bearer " + this.server.apiKey());
	}

	@Test
	void exportsOtlpSpansInsteadOfRecordsWhenThatProtocolIsChosen() {
		Fallom fallom = online().tracingProtocol("OTLP").build();
		Span span = fallom.tracer().spanBuilder("chat gpt-4o").startSpan();
		span.end();
		fallom.close();
		assertThat(this.server.traceSpans()).extracting(io.opentelemetry.proto.trace.v1.Span::getName)
			.containsExactly("chat gpt-4o");
		assertThat(this.server.traceRecords()).isEmpty();
	}

	@Test
	void rejectsAnUnknownTracingProtocolNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).tracingProtocol("zipkin"))
			.withMessageContaining("tracingProtocol")
			.withMessageContaining("zipkin");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).maxRecordBytes(0))
			.withMessageContaining("maxRecordBytes");
	}

	@Test
	void closeFlushesTheThreeQueuesAtOnceWithinOneShutdownTimeout() {
		this.server.putConfig("support", 2, Map.of("gpt-4o", 100));
		// A backend that stops answering: each queue waits out its flush.
		this.server.fault(Endpoint.SESSIONS, Fault.hang())
			.fault(Endpoint.SPANS, Fault.hang())
			.fault(Endpoint.TRACES, Fault.hang());
		Fallom fallom = online().shutdownTimeout(Duration.ofSeconds(1)).build();
		fallom.models().get("support", "session-1");
		fallom.trace().span(Map.of("outlier_score", 0.8), "support", "session-1");
		fallom.tracer().spanBuilder("chat gpt-4o").startSpan().end();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.server.requests(Endpoint.SESSIONS).size() + this.server.requests(Endpoint.SPANS).size()
					+ this.server.requests(Endpoint.TRACES).size() == 3);
		long start = System.nanoTime();
		fallom.close();
		// One after another, the three flushes would take 3 s; at once, 1 s and the
		// exporter's own shutdown.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
	}

	@Test
	void closeTwiceIsHarmlessAndModelsKeepAnsweringFromTheLastConfigs() {
		this.server.putConfig("support", 3, Map.of("claude-3-5-sonnet", 100));
		Fallom fallom = online().build();
		fallom.close();
		fallom.close();
		assertThat(fallom.isRunning()).isFalse();
		assertThat(fallom.models().get("support", "s1")).isEqualTo("claude-3-5-sonnet");
		int recorded = this.server.sessions().size();
		fallom.models().get("support", "s2");
		assertThat(this.server.sessions()).hasSize(recorded);
	}

	@Test
	void withoutAnApiKeyItRunsOfflineWithNoThreadAndNoSocket() {
		Set<String> before = fallomThreads();
		try (Fallom fallom = Fallom.builder(Map.of("FALLOM_BASE_URL", this.server.baseUrl()))
			.bootstrapConfig(BOOTSTRAP)
			.build()) {
			assertThat(fallom.isOnline()).isFalse();
			assertThat(fallom.models().get("support", "s1")).isEqualTo("local-model");
			fallom.trace().span(Map.of("score", 1), "support", "s1");
			fallom.tracer().spanBuilder("ignored").startSpan().end();
			assertThat(fallom.queues()).isEmpty();
			assertThat(fallomThreads()).isEqualTo(before);
		}
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void backendDownAtBuildServesBootstrapConfigs() {
		this.server.fault(Endpoint.CONFIGS, Fault.status(503));
		try (Fallom fallom = online().bootstrapConfig(BOOTSTRAP).build()) {
			assertThat(fallom.models().get("support", "s1")).isEqualTo("local-model");
			await().untilAsserted(() -> assertThat(fallom.configRefresher().getStatus().lastFailureReason())
				.isEqualTo("HTTP 503"));
			assertThat(fallom.models().get("support", "s1")).isEqualTo("local-model");
		}
	}

	@Test
	void startReturnsWhileTheFirstSyncIsHeldWhenBootstrapConfigsCanServe() throws Exception {
		this.server.fault(Endpoint.CONFIGS, Fault.hang());
		ExecutorService builder = Executors.newSingleThreadExecutor();
		try {
			// Were start() to wait, it would wait for the held request's end: five minutes.
			Future<Fallom> build = builder.submit(() -> online().bootstrapConfig(BOOTSTRAP)
				.syncPrompts(false)
				.timeout(Duration.ofMinutes(5))
				.startupTimeout(Duration.ofMinutes(5))
				.build());
			await().until(build::isDone);
			try (Fallom fallom = build.get()) {
				assertThat(fallom.isRunning()).isTrue();
				assertThat(fallom.models().get("support", "s1")).isEqualTo("local-model");
				await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
				// The mock still holds the request: the sync has neither succeeded nor failed.
				assertThat(fallom.configRefresher().getStatus().lastAttempt()).isNull();
			}
		}
		finally {
			builder.shutdownNow();
		}
	}

	@Test
	void startWaitsForTheFirstSyncWhenThereIsNothingToServe() throws Exception {
		this.server.putConfig("support", 2, Map.of("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.hang());
		ExecutorService builder = Executors.newSingleThreadExecutor();
		try {
			Future<Fallom> build = builder.submit(() -> online().syncPrompts(false)
				.timeout(Duration.ofMinutes(5))
				.startupTimeout(Duration.ofMinutes(5))
				.build());
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
			assertThat(build).isNotDone();
			// Clearing the fault ends the held request, and with it the wait.
			this.server.clearFaults();
			try (Fallom fallom = build.get(30, TimeUnit.SECONDS)) {
				assertThat(fallom.configRefresher().getStatus().lastAttempt()).isNotNull();
			}
		}
		finally {
			builder.shutdownNow();
		}
	}

	@Test
	void startWaitsForTheFirstSyncDespiteBootstrapConfigsWhenAskedTo() throws Exception {
		this.server.putConfig("support", 2, Map.of("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.hang());
		ExecutorService builder = Executors.newSingleThreadExecutor();
		try {
			Future<Fallom> build = builder.submit(() -> online().bootstrapConfig(BOOTSTRAP)
				.awaitFirstSync(true)
				.syncPrompts(false)
				.timeout(Duration.ofMinutes(5))
				.startupTimeout(Duration.ofMinutes(5))
				.build());
			await().until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
			assertThat(build).isNotDone();
			this.server.clearFaults();
			try (Fallom fallom = build.get(30, TimeUnit.SECONDS)) {
				assertThat(fallom.models().get("support", "s1")).as("the backend's config, not the bootstrap one")
					.isEqualTo("gpt-4o");
			}
		}
		finally {
			builder.shutdownNow();
		}
	}

	@Test
	void backendThatNeverAnswersCostsOneStartupTimeoutNotOnePerEndpoint() {
		for (Endpoint endpoint : List.of(Endpoint.CONFIGS, Endpoint.PROMPTS, Endpoint.PROMPT_AB_TESTS)) {
			this.server.fault(endpoint, Fault.delay(Duration.ofMinutes(5)));
		}
		Duration startupTimeout = Duration.ofSeconds(2);
		long start = System.nanoTime();
		try (Fallom fallom = online().timeout(Duration.ofMinutes(5)).startupTimeout(startupTimeout).build()) {
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			// One after another it takes three timeouts; the bound leaves room for a busy machine.
			assertThat(took).isGreaterThanOrEqualTo(startupTimeout).isLessThan(startupTimeout.multipliedBy(2));
			assertThat(this.server.requestCount(Endpoint.CONFIGS)).isOne();
		}
	}

	@Test
	void snapshotFileServesTheLastGoodConfigsToTheNextProcess(@TempDir Path directory) {
		Path snapshot = directory.resolve("fallom.json");
		this.server.putConfig("support", 4, Map.of("from-backend", 100));
		online().snapshotFile(snapshot).build().close();
		this.server.fault(Endpoint.CONFIGS, Fault.status(500));
		try (Fallom fallom = online().snapshotFile(snapshot).bootstrapConfig(BOOTSTRAP).build()) {
			assertThat(fallom.models().get("support", "s1")).isEqualTo("from-backend");
		}
	}

	@Test
	void snapshotHoldsOnlyWhatTheBackendServedSoAChangedBootstrapConfigWinsAfterARestart(@TempDir Path directory) {
		Path snapshot = directory.resolve("fallom.json");
		this.server.putConfig("support", 4, Map.of("from-backend", 100));
		ModelConfig local = new ModelConfig("local", 1, List.of(new ModelVariant("old-local-model", 100)),
				ConfigOrigin.BOOTSTRAP);
		try (Fallom fallom = online().snapshotFile(snapshot).bootstrapConfig(local).build()) {
			assertThat(fallom.models().get("local", "s1")).isEqualTo("old-local-model");
		}
		ModelConfig changed = new ModelConfig("local", 1, List.of(new ModelVariant("new-local-model", 100)),
				ConfigOrigin.BOOTSTRAP);
		// Restarted with the bootstrap config changed, before any sync (offline here).
		try (Fallom fallom = Fallom.builder(Map.of()).snapshotFile(snapshot).bootstrapConfig(changed).build()) {
			assertThat(fallom.models().get("support", "s1")).isEqualTo("from-backend");
			assertThat(fallom.models().get("local", "s1")).isEqualTo("new-local-model");
			assertThat(fallom.configRegistry().getLatest("local").getOrigin()).isEqualTo(ConfigOrigin.BOOTSTRAP);
		}
	}

	@Test
	void environmentSuppliesWhatTheBuilderIsNotGiven() {
		this.server.putConfig("support", 1, Map.of("gpt-4o", 100));
		try (Fallom fallom = Fallom.builder(Map.of("FALLOM_API_KEY", this.server.apiKey(), "FALLOM_BASE_URL",
				this.server.baseUrl(), "FALLOM_CAPTURE_CONTENT", "false")).build()) {
			assertThat(fallom.isOnline()).isTrue();
			assertThat(fallom.isCaptureContent()).isFalse();
			assertThat(fallom.models().get("support", "s1")).isEqualTo("gpt-4o");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "false", "0", "no", "NO", " False " })
	void captureContentVariableTurnsCaptureOffAsThePythonSdkReadsIt(String value) {
		assertThat(Fallom.builder(Map.of("FALLOM_CAPTURE_CONTENT", value)).build().isCaptureContent()).isFalse();
	}

	@Test
	void explicitSettingsBeatTheEnvironment() {
		try (Fallom fallom = Fallom.builder(Map.of("FALLOM_API_KEY", "from-env", "FALLOM_CAPTURE_CONTENT", "no"))
			.apiKey(this.server.apiKey())
			.baseUrl(this.server.baseUrl())
			.captureContent(true)
			.build()) {
			assertThat(fallom.isCaptureContent()).isTrue();
			assertThat(this.server.unauthorizedCount()).isZero();
		}
	}

	@Test
	void serviceUrlBeatsBaseUrlWhichBeatsProduction() {
		try (Fallom fallom = Fallom.builder(Map.of())
			.baseUrl("http://localhost:8001")
			.tracesUrl("http://traces.local:4318")
			.build()) {
			assertThat(fallom.getConfigsUrl()).hasToString("http://localhost:8001");
			assertThat(fallom.getTracesUrl()).hasToString("http://traces.local:4318");
			assertThat(fallom.getPromptsUrl()).hasToString("http://localhost:8001");
		}
		try (Fallom fallom = Fallom.builder(Map.of("FALLOM_BASE_URL", "http://env-base:1", "FALLOM_PROMPTS_URL",
				"http://env-prompts:2")).build()) {
			assertThat(fallom.getConfigsUrl()).hasToString("http://env-base:1");
			assertThat(fallom.getPromptsUrl()).hasToString("http://env-prompts:2");
		}
		try (Fallom fallom = Fallom.builder(Map.of()).build()) {
			assertThat(fallom.getConfigsUrl()).isEqualTo(Fallom.DEFAULT_CONFIGS_URL);
			assertThat(fallom.getTracesUrl()).isEqualTo(Fallom.DEFAULT_TRACES_URL);
			assertThat(fallom.getPromptsUrl()).isEqualTo(Fallom.DEFAULT_PROMPTS_URL);
		}
	}

	@Test
	void eachRequestGoesToItsOwnServiceWhenTheyRunApart() {
		try (FallomMockServer services = FallomMockServer.startAsThreeServices()) {
			services.putConfig("support", 1, Map.of("gpt-4o", 100));
			Fallom fallom = Fallom.builder(Map.of())
				.apiKey(services.apiKey())
				.configsUrl(services.configsUrl())
				.tracesUrl(services.tracesUrl())
				.promptsUrl(services.promptsUrl())
				.build();
			assertThat(fallom.models().get("support", "s1")).isEqualTo("gpt-4o");
			fallom.trace().span(Map.of("score", 1), "support", "s1");
			fallom.tracer().spanBuilder("chat").startSpan().end();
			fallom.close();
			assertThat(services.sessions()).hasSize(1);
			assertThat(services.metrics()).hasSize(1);
			assertThat(services.traceRecords()).hasSize(1);
			assertThat(services.requests(Endpoint.PROMPTS)).isNotEmpty();
			assertThat(services.misroutedCount()).as("requests sent to the wrong service").isZero();
		}
	}

	@Test
	void badSettingsFailWithTheNameOfTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).apiKey("  "))
			.withMessageContaining("'apiKey'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).baseUrl("localhost:8001"))
			.withMessageContaining("'baseUrl'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).configsUrl("http://"))
			.withMessageContaining("'configsUrl'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).tracesUrl("ftp://x"))
			.withMessageContaining("'tracesUrl'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of()).refreshInterval(Duration.ZERO))
			.withMessageContaining("'refreshInterval'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of()).startupTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("'startupTimeout'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).sessionQueueCapacity(0))
			.withMessageContaining("'sessionQueueCapacity'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).spanBatchSize(-3))
			.withMessageContaining("'spanBatchSize'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).maxDeliveryAttempts(0))
			.withMessageContaining("'maxDeliveryAttempts'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).maxRetryTime(Duration.ZERO))
			.withMessageContaining("'maxRetryTime'");
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).maxResponseSize(0))
			.withMessageContaining("'maxResponseSize'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of()).maxResponseSize(4L * 1024 * 1024 * 1024))
			.withMessageContaining("'maxResponseSize'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of("FALLOM_BASE_URL", "not a url")).build())
			.withMessageContaining("FALLOM_BASE_URL");
	}

	private static Set<String> fallomThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("fallom"))
			.collect(Collectors.toSet());
	}

	private static JsonNode vectors() throws IOException {
		try (InputStream in = FallomTests.class.getResourceAsStream("/assignment-vectors.json")) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
