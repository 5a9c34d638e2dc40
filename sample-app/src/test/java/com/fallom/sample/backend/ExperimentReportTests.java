package com.fallom.sample.backend;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fallom.sample.backend.ExperimentReport.Experiment;
import com.fallom.sample.backend.ExperimentReport.Variant;
import com.fallom.test.FallomMockServer;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ExperimentReport}, from records sent over HTTP to a mock backend as
 * the SDK sends them: JSON session and metric records, JSON trace records written by the
 * SDK's own record mapper.
 */
class ExperimentReportTests {

	private final FallomMockServer server = FallomMockServer.start();

	private final HttpClient http = HttpClient.newHttpClient();

	private final TraceRecordMapper mapper = new TraceRecordMapper(true);

	private int sent;

	@AfterEach
	void close() {
		this.server.close();
	}

	@Test
	void reportsEachConfigVariantsSessionsCallsShareTokensLatencyErrorsAndMetricMeans() throws Exception {
		session("support", "s1", "gpt-4o");
		session("support", "s2", "gpt-4o");
		session("support", "s3", "claude-3-5-sonnet");
		chat("support", "s1", "gpt-4o", 10, 12, 30, false);
		chat("support", "s1", "gpt-4o", 30, 8, 20, false);
		chat("support", "s2", "gpt-4o", 20, 5, 5, true);
		chat("support", "s3", "claude-3-5-sonnet", 40, 7, 9, false);
		// Not a chat call
		send(call("support", "s1", 500).kind(TracedCall.Kind.TOOL, "tool.lookup"));
		metric("support", "s1", Map.of("satisfaction", 5, "resolved", true));
		// The latest value of a field wins for its session
		metric("support", "s1", Map.of("satisfaction", 3));
		metric("support", "s2", Map.of("satisfaction", 4, "resolved", false, "comment", "ignored: not a number"));
		metric("support", "s3", Map.of("satisfaction", 2));

		ExperimentReport report = ExperimentReport.of(this.server);

		assertThat(report.metricNames()).containsExactly("resolved", "satisfaction");
		assertThat(report.promptTests()).isEmpty();
		assertThat(report.configs()).singleElement().satisfies((config) -> {
			assertThat(config.key()).isEqualTo("support");
			assertThat(config.sessions()).isEqualTo(3);
			assertThat(config.calls()).isEqualTo(4);
		});
		Variant claude = variant(report.configs().get(0), "claude-3-5-sonnet");
		Variant gpt = variant(report.configs().get(0), "gpt-4o");
		assertThat(gpt.sessions()).isEqualTo(2);
		assertThat(gpt.calls()).isEqualTo(3);
		assertThat(gpt.share()).isCloseTo(2.0 / 3, within(1e-9));
		// A failed call's record carries no usage, as the SDKs send it
		assertThat(gpt.inputTokens()).isEqualTo(20);
		assertThat(gpt.outputTokens()).isEqualTo(50);
		assertThat(gpt.latencyP50Ms()).isEqualTo(20.0);
		assertThat(gpt.latencyP95Ms()).isEqualTo(30.0);
		assertThat(gpt.errors()).isEqualTo(1);
		assertThat(gpt.metricMeans()).containsEntry("satisfaction", 3.5).containsEntry("resolved", 0.5);
		assertThat(claude.sessions()).isEqualTo(1);
		assertThat(claude.calls()).isEqualTo(1);
		assertThat(claude.share()).isCloseTo(1.0 / 3, within(1e-9));
		assertThat(claude.latencyP50Ms()).isEqualTo(40.0);
		assertThat(claude.errors()).isZero();
		assertThat(claude.metricMeans()).containsOnly(Map.entry("satisfaction", 2.0));
	}

	@Test
	void groupsPromptTestsByTheirRecordsPromptFields() throws Exception {
		promptCall("s1", "onboarding", 0, "welcome", 1, 10);
		promptCall("s1", "onboarding", 0, "welcome", 1, 20);
		promptCall("s2", "onboarding", 1, "welcome-short", 3, 30);
		promptCall("s3", "onboarding", 1, "welcome-short", 3, 50);
		promptCall("s4", "tone", 0, "friendly", 2, 5);
		metric("other-config", "s2", Map.of("resolved", true));
		metric("other-config", "s3", Map.of("resolved", false));

		ExperimentReport report = ExperimentReport.of(this.server);

		assertThat(report.promptTests()).extracting(Experiment::key).containsExactly("onboarding", "tone");
		Experiment onboarding = report.promptTests().get(0);
		assertThat(onboarding.sessions()).isEqualTo(3);
		assertThat(onboarding.calls()).isEqualTo(4);
		Variant first = variant(onboarding, "#0 welcome v1");
		Variant second = variant(onboarding, "#1 welcome-short v3");
		assertThat(first.sessions()).isEqualTo(1);
		assertThat(first.calls()).isEqualTo(2);
		assertThat(first.share()).isCloseTo(1.0 / 3, within(1e-9));
		assertThat(first.metricMeans()).isEmpty();
		assertThat(second.sessions()).isEqualTo(2);
		assertThat(second.latencyP50Ms()).isEqualTo(30.0);
		assertThat(second.latencyP95Ms()).isEqualTo(50.0);
		// Metrics join a prompt test's variant by session id, whatever their config key
		assertThat(second.metricMeans()).containsOnly(Map.entry("resolved", 0.5));
	}

	@Test
	void nearestRankPercentiles() {
		List<Double> values = new ArrayList<>();
		for (int i = 1; i <= 100; i++) {
			values.add((double) i);
		}
		assertThat(ExperimentReport.percentile(values, 50)).isEqualTo(50.0);
		assertThat(ExperimentReport.percentile(values, 95)).isEqualTo(95.0);
		assertThat(ExperimentReport.percentile(List.of(7.0), 95)).isEqualTo(7.0);
		assertThat(ExperimentReport.percentile(List.of(), 50)).isNull();
	}

	private static Variant variant(Experiment experiment, String name) {
		return experiment.variants()
			.stream()
			.filter((variant) -> variant.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No variant " + name + " in " + experiment));
	}

	private void chat(String configKey, String sessionId, String model, long durationMs, long inputTokens,
			long outputTokens, boolean error) throws Exception {
		TracedCall call = call(configKey, sessionId, durationMs).requestModel(model)
			.response(model, "answer", "stop", "chatcmpl-" + this.sent)
			.usage(new TracedCall.Usage((int) inputTokens, (int) outputTokens, null));
		send(error ? call.error(new IllegalStateException("provider is down")) : call);
	}

	private void promptCall(String sessionId, String test, int variant, String promptKey, int promptVersion,
			long durationMs) throws Exception {
		send(call("other-config", sessionId, durationMs).requestModel("gpt-4o")
			.prompt(promptKey, promptVersion, test, variant)
			.response("gpt-4o", "answer", "stop", "chatcmpl-" + this.sent)
			.usage(new TracedCall.Usage(3, 4, null)));
	}

	private TracedCall call(String configKey, String sessionId, long durationMs) {
		long start = 1_700_000_000_000L + this.sent * 1000L;
		return new TracedCall().ids("0af7651916cd43dd8448eb211c80319c", String.format("%016x", this.sent + 1), null)
			.times(start, start + durationMs)
			.session(configKey, sessionId, null, null, null);
	}

	/** Post one trace record, written as the SDK writes it. */
	private void send(TracedCall call) throws IOException, InterruptedException {
		this.sent++;
		post("/v1/traces", "application/json", this.mapper.toJson(call));
	}

	private void session(String configKey, String sessionId, String model) throws Exception {
		postJson("/sessions", Map.of("config_key", configKey, "config_version", 1, "session_id", sessionId,
				"assigned_model", model));
	}

	private void metric(String configKey, String sessionId, Map<String, Object> data) throws Exception {
		postJson("/spans", Map.of("config_key", configKey, "session_id", sessionId, "data", data));
	}

	private void postJson(String path, Map<String, Object> body) throws IOException, InterruptedException {
		post(path, "application/json", JsonMapper.shared().writeValueAsBytes(body));
	}

	private void post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.server.baseUrl() + path))
			.header("Authorization", "Bearer " + this.server.apiKey())
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
	}

}
