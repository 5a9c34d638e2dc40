package com.fallom.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomMockServer} running as Fallom's three services.
 */
class FallomMockServerThreeServicesTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private int status(String url, String method) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + FallomMockServer.DEFAULT_API_KEY);
		request = method.equals("GET") ? request.GET()
				: request.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"config_key\":\"c\",\"session_id\":\"s\",\"data\":{}}"));
		return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Test
	void eachServiceAnswersOnlyItsOwnEndpointsAndCountsWhatWasSentToTheWrongOne() throws Exception {
		try (FallomMockServer server = FallomMockServer.startAsThreeServices()) {
			assertThat(server.isThreeServices()).isTrue();
			assertThat(server.configsUrl()).isNotEqualTo(server.tracesUrl()).isNotEqualTo(server.promptsUrl());
			assertThat(status(server.configsUrl() + "/configs", "GET")).isEqualTo(200);
			assertThat(status(server.promptsUrl() + "/prompts", "GET")).isEqualTo(200);
			assertThat(status(server.tracesUrl() + "/spans", "POST")).isEqualTo(200);
			assertThat(server.misroutedCount()).isZero();
			assertThat(status(server.tracesUrl() + "/configs", "GET")).isEqualTo(404);
			assertThat(status(server.configsUrl() + "/spans", "POST")).isEqualTo(404);
			assertThat(server.misroutedCount()).isEqualTo(2);
			assertThat(server.metrics()).hasSize(1);
			assertThat(server.properties()).containsOnlyKeys("fallom.configs-url", "fallom.traces-url",
					"fallom.prompts-url", "fallom.api-key", "fallom.models.await-first-sync");
		}
	}

	@Test
	void oneServiceModeServesEverythingOnTheBaseUrl() throws Exception {
		try (FallomMockServer server = FallomMockServer.start()) {
			assertThat(server.isThreeServices()).isFalse();
			assertThat(server.configsUrl()).isEqualTo(server.baseUrl());
			assertThat(server.tracesUrl()).isEqualTo(server.baseUrl());
			assertThat(status(server.baseUrl() + "/spans", "POST")).isEqualTo(200);
			assertThat(server.misroutedCount()).isZero();
		}
	}

}
