package com.fallom.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link FallomMockServer}: authentication, configs, recording and lifecycle.
 */
class FallomMockServerTests {

	private static final JsonMapper mapper = JsonMapper.shared();

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
	void listensOnLoopbackWithDefaultApiKey() {
		assertThat(this.server.port()).isPositive();
		assertThat(this.server.baseUrl()).isEqualTo("http://127.0.0.1:" + this.server.port());
		assertThat(this.server.apiKey()).isEqualTo(FallomMockServer.DEFAULT_API_KEY).isEqualTo("test-api-key");
	}

	@Test
	void rejectsMissingOrWrongBearerTokenWith401AndRecordsTheRequest() {
		HttpResponse<String> missing = TestHttp.send(HttpRequest.newBuilder(uri("/sessions"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"session_id\":\"s1\"}"))
			.build());
		HttpResponse<String> wrong = TestHttp.send(HttpRequest.newBuilder(uri("/configs"))
			.header("Authorization", "Bearer wrong-key")
			.build());
		HttpResponse<String> wrongScheme = TestHttp.send(HttpRequest.newBuilder(uri("/configs"))
			.header("Authorization", "Basic " + this.server.apiKey())
			.build());
		assertThat(List.of(missing.statusCode(), wrong.statusCode(), wrongScheme.statusCode())).containsOnly(401);
		assertThat(this.server.unauthorizedCount()).isEqualTo(3);
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isEqualTo(1);
		assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(2);
		assertThat(this.server.sessions()).isEmpty();
	}

	@Test
	void acceptsBearerSchemeInAnyCase() {
		HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(uri("/configs"))
			.header("Authorization", "bearer " + this.server.apiKey())
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.server.unauthorizedCount()).isZero();
	}

	@Test
	void servesLatestVersionOfEachConfig() {
		this.server.putConfig("summarizer", 1, Map.of("gpt-4o", 100))
			.putConfig("summarizer", 3, Map.of("claude-3-5-sonnet", 100))
			.putConfig("summarizer", 2, Map.of("gpt-4o-mini", 100))
			.putConfig("{\"key\": \"classifier\", \"variants\": [{\"model\": \"gpt-4o\", \"weight\": 100}]}");
		HttpResponse<String> response = this.http.get("/configs");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		JsonNode configs = mapper.readTree(response.body()).get("configs");
		assertThat(configs).hasSize(2);
		assertThat(configs.get(0).get("key").asString()).isEqualTo("summarizer");
		assertThat(configs.get(0).get("version").intValue()).isEqualTo(3);
		assertThat(configs.get(0).get("variants").get(0).get("model").asString()).isEqualTo("claude-3-5-sonnet");
		assertThat(configs.get(1).get("key").asString()).isEqualTo("classifier");
	}

	@Test
	void servesEmptyConfigListWhenNoConfigs() {
		assertThat(this.http.get("/configs").body()).isEqualTo("{\"configs\":[]}");
	}

	@Test
	void servesPinnedConfigVersion() {
		this.server.putConfig("summarizer", 1, Map.of("gpt-4o", 100))
			.putConfig("summarizer", 2, Map.of("claude-3-5-sonnet", 100));
		HttpResponse<String> response = this.http.get("/configs/summarizer/version/1");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode config = mapper.readTree(response.body());
		assertThat(config.get("version").intValue()).isEqualTo(1);
		assertThat(config.get("variants").get(0).get("model").asString()).isEqualTo("gpt-4o");
		assertThat(this.server.requestCount(Endpoint.CONFIG_VERSION)).isEqualTo(1);
	}

	@Test
	void servesPinnedConfigWithPercentEncodedKey() {
		this.server.putConfig("my config+v", 4, Map.of("gpt-4o", 100));
		assertThat(this.http.get("/configs/my%20config%2Bv/version/4").statusCode()).isEqualTo(200);
		assertThat(this.http.get("/configs/my%20config+v/version/4").statusCode()).isEqualTo(200);
	}

	@Test
	void answers404ForMissingConfigVersion() {
		this.server.putConfig("summarizer", 1, Map.of("gpt-4o", 100));
		assertThat(this.http.get("/configs/summarizer/version/2").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/configs/unknown/version/1").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/configs/summarizer/version/latest").statusCode()).isEqualTo(404);
	}

	@Test
	void servesConfigJsonAsGivenKeepingVariantOrderAndStringWeights() {
		String json = "{\"key\": \"ab\", \"version\": 2, \"variants\": {\"zeta\": {\"model\": \"gpt-4o\", \"weight\": \"40\"},"
				+ " \"alpha\": {\"model\": \"claude\", \"weight\": 60.50}}, \"targeting\": {\"rules\": []}}";
		this.server.putConfig(json);
		assertThat(this.http.get("/configs/ab/version/2").body()).isEqualTo(json);
		assertThat(this.http.get("/configs").body()).isEqualTo("{\"configs\":[" + json + "]}");
	}

	@Test
	void readsVersionOneWhenConfigJsonHasNoVersion() {
		this.server.putConfig("{\"key\": \"plain\", \"variants\": []}");
		assertThat(this.http.get("/configs/plain/version/1").statusCode()).isEqualTo(200);
	}

	@Test
	void buildsArrayVariantsInMapIterationOrder() {
		Map<String, Number> weights = new LinkedHashMap<>();
		weights.put("z-model", 0.07);
		weights.put("a-model", 99.93);
		weights.put("m-model", 0);
		this.server.putConfig("ordered", 5, weights);
		assertThat(this.http.get("/configs/ordered/version/5").body()).isEqualTo("{\"key\":\"ordered\",\"version\":5,"
				+ "\"variants\":[{\"model\":\"z-model\",\"weight\":0.07},{\"model\":\"a-model\",\"weight\":99.93},"
				+ "{\"model\":\"m-model\",\"weight\":0}]}");
	}

	@Test
	void rejectsConfigJsonThatIsNotAnObjectWithKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.putConfig("[1, 2]"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.putConfig("{\"version\": 1}"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.putConfig("{\"key\": \"x\""));
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.putConfig("{\"key\": \"x\", \"version\": 1.5}"));
	}

	@Test
	void removeConfigDropsEveryVersionAndClearConfigsDropsAll() {
		this.server.putConfig("a", 1, Map.of("m", 100))
			.putConfig("a", 2, Map.of("m", 100))
			.putConfig("b", 1, Map.of("m", 100))
			.removeConfig("a");
		assertThat(this.http.get("/configs/a/version/1").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/configs/a/version/2").statusCode()).isEqualTo(404);
		assertThat(mapper.readTree(this.http.get("/configs").body()).get("configs")).hasSize(1);
		this.server.clearConfigs();
		assertThat(this.http.get("/configs").body()).isEqualTo("{\"configs\":[]}");
	}

	@Test
	void answers304WhenIfNoneMatchMatchesConfigsEtag() {
		this.server.putConfig("a", 1, Map.of("m", 100));
		HttpResponse<String> first = this.http.get("/configs");
		String etag = first.headers().firstValue("ETag").orElseThrow();
		HttpResponse<String> second = TestHttp.send(this.http.request("/configs").header("If-None-Match", etag).build());
		assertThat(second.statusCode()).isEqualTo(304);
		assertThat(second.body()).isEmpty();
		assertThat(second.headers().firstValue("ETag")).hasValue(etag);
		HttpResponse<String> weak = TestHttp.send(this.http.request("/configs")
			.header("If-None-Match", "\"other\", W/" + etag)
			.build());
		assertThat(weak.statusCode()).isEqualTo(304);
	}

	@Test
	void changesEtagAndAnswers200WhenConfigsChange() {
		this.server.putConfig("a", 1, Map.of("m", 100));
		String etag = this.http.get("/configs").headers().firstValue("ETag").orElseThrow();
		this.server.putConfig("a", 2, Map.of("m", 100));
		HttpResponse<String> response = TestHttp.send(this.http.request("/configs").header("If-None-Match", etag).build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
	}

	@Test
	void sendsNoEtagAndIgnoresIfNoneMatchWhenEtagsDisabled() {
		this.server.putConfig("a", 1, Map.of("m", 100));
		String etag = this.http.get("/configs").headers().firstValue("ETag").orElseThrow();
		this.server.etags(false);
		HttpResponse<String> response = TestHttp.send(this.http.request("/configs").header("If-None-Match", etag).build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag")).isEmpty();
	}

	@Test
	void answers404ForUnknownPathAnd405ForWrongMethod() {
		assertThat(this.http.get("/v1/metrics").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/").statusCode()).isEqualTo(404);
		HttpResponse<String> wrongMethod = this.http.get("/sessions");
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
		assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
		assertThat(this.http.postJson("/configs", "{}").statusCode()).isEqualTo(405);
		assertThat(this.server.requests()).extracting(RecordedRequest::path)
			.containsExactly("/v1/metrics", "/", "/sessions", "/configs");
	}

	@Test
	void recordsAcceptedSessionsAsParsedJson() {
		HttpResponse<String> response = this.http.postJson("/sessions",
				"{\"config_key\": \"summarizer\", \"config_version\": 3, \"session_id\": \"s-1\", \"assigned_model\": \"gpt-4o\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{}");
		assertThat(this.server.sessions()).singleElement()
			.satisfies((session) -> assertThat(session).containsExactly(entry("config_key", "summarizer"),
					entry("config_version", 3), entry("session_id", "s-1"), entry("assigned_model", "gpt-4o")));
		assertThat(this.server.metrics()).isEmpty();
	}

	@Test
	void recordsAcceptedMetricsAsParsedJson() {
		this.http.postJson("/spans",
				"{\"config_key\": \"summarizer\", \"session_id\": \"s-1\", \"data\": {\"outlier_score\": 0.8, \"converted\": true}}");
		assertThat(this.server.metrics()).singleElement()
			.satisfies((metric) -> assertThat(metric).containsEntry("session_id", "s-1")
				.containsEntry("data", Map.of("outlier_score", 0.8, "converted", true)));
		assertThat(this.server.sessions()).isEmpty();
	}

	@Test
	void rejectsSessionsAndMetricsBodiesThatAreNotJsonObjectsWith400() {
		assertThat(this.http.postJson("/sessions", "[{\"session_id\": \"s-1\"}]").statusCode()).isEqualTo(400);
		assertThat(this.http.postJson("/sessions", "session_id=s-1").statusCode()).isEqualTo(400);
		assertThat(this.http.postJson("/spans", "").statusCode()).isEqualTo(400);
		assertThat(this.http.postJson("/spans", "{} {}").statusCode()).isEqualTo(400);
		assertThat(this.server.sessions()).isEmpty();
		assertThat(this.server.metrics()).isEmpty();
		assertThat(this.server.requestCount(Endpoint.SESSIONS)).isEqualTo(2);
		assertThat(this.server.requestCount(Endpoint.SPANS)).isEqualTo(2);
	}

	@Test
	void recordsRequestsInArrivalOrderWithLowerCaseHeaderNames() {
		this.http.postJson("/sessions?source=test", "{\"n\": 1}");
		this.http.postJson("/sessions", "{\"n\": 2}");
		List<RecordedRequest> requests = this.server.requests(Endpoint.SESSIONS);
		assertThat(requests).extracting(RecordedRequest::bodyAsString).containsExactly("{\"n\": 1}", "{\"n\": 2}");
		RecordedRequest first = requests.get(0);
		assertThat(first.method()).isEqualTo("POST");
		assertThat(first.path()).isEqualTo("/sessions?source=test");
		assertThat(first.headers()).containsKeys("authorization", "content-type");
		assertThat(first.header("Authorization")).isEqualTo("Bearer test-api-key");
		assertThat(first.header("X-Missing")).isNull();
		assertThat(first.receivedAt()).isBeforeOrEqualTo(requests.get(1).receivedAt());
	}

	@Test
	void decodesGzipJsonBodies() {
		HttpResponse<String> response = TestHttp.send(this.http.request("/sessions")
			.header("Content-Type", "application/json")
			.header("Content-Encoding", "gzip")
			.POST(HttpRequest.BodyPublishers.ofByteArray(TestHttp.gzip(TestHttp.utf8("{\"session_id\": \"zipped\"}"))))
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.server.sessions()).singleElement().satisfies((session) -> assertThat(session)
			.containsEntry("session_id", "zipped"));
		assertThat(this.server.requests(Endpoint.SESSIONS).get(0).bodyAsString()).isEqualTo("{\"session_id\": \"zipped\"}");
	}

	@Test
	void rejectsBodyThatClaimsGzipButIsNotWith400() {
		HttpResponse<String> response = TestHttp.send(this.http.request("/sessions")
			.header("Content-Encoding", "gzip")
			.POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": \"plain\"}"))
			.build());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(this.server.sessions()).isEmpty();
	}

	@Test
	void resetClearsRecordingsButKeepsConfigsAndFaults() {
		this.server.putConfig("a", 1, Map.of("m", 100)).fault(Endpoint.SESSIONS, Fault.status(503));
		this.http.postJson("/spans", "{\"data\": {}}");
		this.http.postJson("/sessions", "{}");
		TestHttp.send(HttpRequest.newBuilder(uri("/configs")).build());
		this.server.reset();
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.server.requests(Endpoint.SPANS)).isEmpty();
		assertThat(this.server.metrics()).isEmpty();
		assertThat(this.server.unauthorizedCount()).isZero();
		assertThat(this.server.allReceivedBytes()).isEmpty();
		assertThat(this.http.get("/configs/a/version/1").statusCode()).isEqualTo(200);
		assertThat(this.http.postJson("/sessions", "{}").statusCode()).isEqualTo(503);
	}

	@Test
	void returnsSnapshotsThatLaterRequestsDoNotChange() {
		List<Map<String, Object>> before = this.server.sessions();
		this.http.postJson("/sessions", "{\"session_id\": \"s-1\"}");
		assertThat(before).isEmpty();
		assertThat(this.server.sessions()).hasSize(1);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.server.sessions().get(0).put("x", 1));
	}

	@Test
	void exposesPropertiesThatPointAtTheServer() {
		Map<String, String> expected = Map.of("fallom.base-url", this.server.baseUrl(), "fallom.api-key", "test-api-key",
				"fallom.models.await-first-sync", "true");
		assertThat(this.server.properties()).containsExactlyInAnyOrderEntriesOf(expected);
		assertThat(this.server.propertyValues()).containsExactly("fallom.base-url=" + this.server.baseUrl(),
				"fallom.api-key=test-api-key", "fallom.models.await-first-sync=true");
	}

	@Test
	void startsOnGivenPortWithGivenApiKey() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (FallomMockServer custom = FallomMockServer.start(port, "secret")) {
			assertThat(custom.port()).isEqualTo(port);
			assertThat(custom.apiKey()).isEqualTo("secret");
			assertThat(new TestHttp(custom).get("/configs").statusCode()).isEqualTo(200);
			assertThat(this.http.get("/configs").statusCode()).isEqualTo(200);
			HttpResponse<String> defaultKey = TestHttp.send(HttpRequest.newBuilder(uri(custom, "/configs"))
				.header("Authorization", "Bearer test-api-key")
				.build());
			assertThat(defaultKey.statusCode()).isEqualTo(401);
		}
	}

	@Test
	void failsToStartOnPortInUse() {
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> FallomMockServer.start(this.server.port(), "key"));
	}

	@Test
	void stopsListeningWhenClosed() {
		FallomMockServer closing = FallomMockServer.start();
		TestHttp http = new TestHttp(closing);
		assertThat(http.get("/configs").statusCode()).isEqualTo(200);
		closing.close();
		closing.close();
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> TestHttp.send(HttpRequest.newBuilder(uri(closing, "/configs")).build()));
	}

	@Test
	void servesRequestsOnNamedDaemonThreads() {
		this.http.get("/configs");
		assertThat(Thread.getAllStackTraces().keySet()).filteredOn((thread) -> thread.getName().startsWith("fallom-mock-"))
			.isNotEmpty()
			.allMatch(Thread::isDaemon);
		assertThat(Thread.getAllStackTraces().keySet()).filteredOn((thread) -> thread.getName().equals("HTTP-Dispatcher"))
			.isNotEmpty()
			.allMatch(Thread::isDaemon);
	}

	private URI uri(String path) {
		return uri(this.server, path);
	}

	private static URI uri(FallomMockServer server, String path) {
		return URI.create(server.baseUrl() + path);
	}

}
