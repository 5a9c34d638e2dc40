package com.fallom;

import java.util.Map;

import com.fallom.test.FallomMockServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Without Spring" example, compiled and run against the mock backend.
 */
class WithoutSpringExampleTests {

	@Test
	void readmeExampleAssignsAModelAndSendsTheMetric() {
		try (FallomMockServer server = FallomMockServer.start()) {
			server.putConfig("summarizer", 1, Map.of("gpt-4o", 100));
			String model = summarize(server.apiKey(), server.baseUrl(), "session-42");
			assertThat(model).isEqualTo("gpt-4o");
			assertThat(server.sessions()).hasSize(1);
			assertThat(server.metrics()).hasSize(1);
		}
	}

	private static String summarize(String key, String url, String sessionId) {
		// tag::without-spring[]
		try (Fallom fallom = Fallom.builder().apiKey(key).baseUrl(url).captureContent(false).build()) {
			String model = fallom.models().get("summarizer", sessionId, "gpt-4o-mini");
			// ... call the model; LLM spans go through fallom.tracer() ...
			fallom.trace().span(Map.of("outlier_score", 0.8), "summarizer", sessionId);
			return model;
		}
		// end::without-spring[]
	}

}
