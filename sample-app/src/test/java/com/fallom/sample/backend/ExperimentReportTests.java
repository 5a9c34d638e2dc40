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
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link ExperimentReport}, from records sent over HTTP to a mock backend as
 * the SDK sends them: JSON session and metric records, OTLP protobuf spans.
 */
class ExperimentReportTests {

	private static final long MS = 1_000_000L;

	private final FallomMockServer server = FallomMockServer.start();

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Span> spans = new ArrayList<>();

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
		// Not a chat call: no requested model
		span("support", "s1", 500, List.of(), false);
		sendSpans();
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
		assertThat(gpt.inputTokens()).isEqualTo(25);
		assertThat(gpt.outputTokens()).isEqualTo(55);
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
	void groupsPromptTestsByTheirSpanAttributes() throws Exception {
		promptCall("s1", "onboarding", 0, "welcome", 1, 10);
		promptCall("s1", "onboarding", 0, "welcome", 1, 20);
		promptCall("s2", "onboarding", 1, "welcome-short", 3, 30);
		promptCall("s3", "onboarding", 1, "welcome-short", 3, 50);
		promptCall("s4", "tone", 0, "friendly", 2, 5);
		sendSpans();
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
			long outputTokens, boolean error) {
		span(configKey, sessionId, durationMs, List.of(attribute("gen_ai.request.model", model),
				attribute("gen_ai.usage.input_tokens", inputTokens),
				attribute("gen_ai.usage.output_tokens", outputTokens)), error);
	}

	private void promptCall(String sessionId, String test, long variant, String promptKey, long promptVersion,
			long durationMs) {
		span("other-config", sessionId, durationMs,
				List.of(attribute("gen_ai.request.model", "gpt-4o"), attribute("fallom.prompt_key", promptKey),
						attribute("fallom.prompt_version", promptVersion), attribute("fallom.prompt_ab_test", test),
						attribute("fallom.prompt_variant", variant),
						// The older attribute names count too
						attribute("gen_ai.usage.prompt_tokens", 3L), attribute("gen_ai.usage.completion_tokens", 4L)),
				false);
	}

	private void span(String configKey, String sessionId, long durationMs, List<KeyValue> attributes,
			boolean error) {
		long start = 1_700_000_000_000L * MS + this.spans.size() * 1000 * MS;
		Span.Builder span = Span.newBuilder()
			.setName("chat")
			.setTraceId(ByteString.copyFrom(new byte[16]))
			.setSpanId(ByteString.copyFrom(new byte[] { 1, 2, 3, 4, 5, 6, 7, (byte) this.spans.size() }))
			.setStartTimeUnixNano(start)
			.setEndTimeUnixNano(start + durationMs * MS)
			.addAttributes(attribute("fallom.config_key", configKey))
			.addAttributes(attribute("fallom.session_id", sessionId))
			.addAllAttributes(attributes);
		if (error) {
			span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
		}
		this.spans.add(span.build());
	}

	private static KeyValue attribute(String key, String value) {
		return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
	}

	private static KeyValue attribute(String key, long value) {
		return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
	}

	private void sendSpans() throws IOException, InterruptedException {
		ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
			.addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addAllSpans(this.spans)))
			.build();
		post("/v1/traces", "application/x-protobuf", request.toByteArray());
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
