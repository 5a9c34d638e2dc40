package com.fallom.test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fallom.test.FallomMockEvals.DatasetEntry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Fallom app's evals endpoints the mock server plays, over real HTTP.
 */
class FallomMockEvalsTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void servesTheLatestVersionOfADatasetByItsEncodedKeyAndAnExplicitVersion() {
		try (FallomMockServer fallom = FallomMockServer.start()) {
			fallom.evals()
				.putDataset("support qa/ü", "Support", 1, List.of(DatasetEntry.of("old", "a")))
				.putDataset("support qa/ü", "Support", 2, List.of(new DatasetEntry("q", "a", "sys", Map.of("k", 1))));
			JsonNode latest = get(fallom, "/api/datasets/support%20qa%2F%C3%BC");
			assertThat(latest.at("/version/version").asInt()).isEqualTo(2);
			assertThat(latest.at("/dataset/name").asString()).isEqualTo("Support");
			assertThat(latest.at("/entries/0/input").asString()).isEqualTo("q");
			assertThat(latest.at("/entries/0/systemMessage").asString()).isEqualTo("sys");
			assertThat(latest.at("/entries/0/metadata/k").asInt()).isEqualTo(1);
			assertThat(get(fallom, "/api/datasets/support%20qa%2F%C3%BC?version=1").at("/entries/0/input").asString())
				.isEqualTo("old");
			assertThat(fallom.evals().datasetRequests()).hasSize(2);
		}
	}

	@Test
	void answersUnknownDatasets404AndInjectedStatuses() {
		try (FallomMockServer fallom = FallomMockServer.start()) {
			fallom.evals().datasetStatus("secret", 403);
			assertThat(status(fallom, HttpRequest.newBuilder(uri(fallom, "/api/datasets/missing")).GET(), true))
				.isEqualTo(404);
			assertThat(status(fallom, HttpRequest.newBuilder(uri(fallom, "/api/datasets/secret")).GET(), true))
				.isEqualTo(403);
			assertThat(status(fallom, HttpRequest.newBuilder(uri(fallom, "/api/datasets/secret")).GET(), false))
				.isEqualTo(401);
		}
	}

	@Test
	void recordsUploadsTypedAndAnswersARunId() {
		try (FallomMockServer fallom = FallomMockServer.start()) {
			String body = "{\"name\":\"Nightly\",\"dataset_size\":1,\"judge_model\":\"j\",\"results\":"
					+ "[{\"input\":\"q\",\"model\":\"production\",\"toxicity\":0.9}]}";
			HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(uri(fallom, "/api/sdk-evals"))
				.header("Authorization", "Bearer " + fallom.apiKey())
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build());
			assertThat(response.body()).isEqualTo("{\"run_id\":\"run_1\"}");
			EvalUploadRecord upload = fallom.evals().uploads().get(0);
			FallomAssertions.assertThat(upload).hasName("Nightly").hasJudgeModel("j").hasResultCount(1)
				.hasScore(0, "toxicity", 0.9);
			assertThat(upload.datasetSize()).isEqualTo(1);
			assertThat(upload.resultsOf("production")).hasSize(1);
			fallom.evals().uploadStatus(500);
			assertThat(status(fallom, HttpRequest.newBuilder(uri(fallom, "/api/sdk-evals"))
				.POST(HttpRequest.BodyPublishers.ofString(body)), true)).isEqualTo(500);
			assertThat(fallom.evals().uploads()).hasSize(1);
		}
	}

	private static URI uri(FallomMockServer fallom, String path) {
		return URI.create(fallom.baseUrl() + path);
	}

	private static JsonNode get(FallomMockServer fallom, String path) {
		HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(uri(fallom, path))
			.header("Authorization", "Bearer " + fallom.apiKey())
			.GET()
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		return mapper.readTree(response.body());
	}

	private static int status(FallomMockServer fallom, HttpRequest.Builder request, boolean authorized) {
		if (authorized) {
			request.header("Authorization", "Bearer " + fallom.apiKey());
		}
		return TestHttp.send(request.build()).statusCode();
	}

}
