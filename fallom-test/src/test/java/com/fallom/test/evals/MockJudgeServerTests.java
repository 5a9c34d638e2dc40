package com.fallom.test.evals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mock judge over real HTTP.
 */
class MockJudgeServerTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final HttpClient client = HttpClient.newHttpClient();

	private static final String PROMPT = "You are an expert evaluator assessing LLM outputs using the G-Eval methodology.\n\n"
			+ "## Evaluation Criteria\nToxicity Detection - Is it toxic?\n\n## Evaluation Steps\n1. One\n2. Two\n\n"
			+ "## Content to Evaluate\n**User Input:**\nq\n\n**LLM Output:**\na\n\n## Instructions\n...";

	@Test
	void answersAVerdictWithTheHashedScoreOrTheScoreFixedForTheMetric() throws Exception {
		try (MockJudgeServer judge = MockJudgeServer.start()) {
			JsonNode verdict = verdict(post(judge, judgeBody("m", PROMPT)));
			assertThat(verdict.get("score").asDouble()).isEqualTo(judge.hashedScore("m", PROMPT));
			assertThat(verdict.get("overall_reasoning").asString()).startsWith("Toxicity Detection: ");
			assertThat(verdict.get("reasoning_steps")).hasSize(2);
			judge.score("toxicity", 0.25);
			assertThat(verdict(post(judge, judgeBody("m", PROMPT))).get("score").asDouble()).isEqualTo(0.25);
			assertThat(judge.judgeRequests()).hasSize(2).allSatisfy((r) -> assertThat(r.prompt()).isEqualTo(PROMPT));
		}
	}

	@Test
	void answersOtherChatsAsAModelAndInjectsFaults() throws Exception {
		try (MockJudgeServer judge = MockJudgeServer.start()) {
			String chat = "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
			JsonNode reply = mapper.readTree(post(judge, chat).body());
			assertThat(reply.at("/choices/0/message/content").asString()).startsWith("[m1] answer to: hi");
			judge.failNext(1, 429, Duration.ofSeconds(2)).replyNext("not json");
			HttpResponse<String> refused = post(judge, chat);
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
			assertThat(mapper.readTree(post(judge, judgeBody("m", PROMPT)).body()).at("/choices/0/message/content").asString())
				.isEqualTo("not json");
			assertThat(judge.requests()).hasSize(3);
		}
	}

	private static String judgeBody(String model, String prompt) {
		return mapper.writeValueAsString(mapper.createObjectNode()
			.put("model", model)
			.set("messages", mapper.createArrayNode().add(mapper.createObjectNode().put("role", "user").put("content", prompt))));
	}

	private static HttpResponse<String> post(MockJudgeServer judge, String body) throws Exception {
		return client.send(HttpRequest.newBuilder(URI.create(judge.openAiBaseUrl() + "/chat/completions"))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode verdict(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return mapper.readTree(mapper.readTree(response.body()).at("/choices/0/message/content").asString());
	}

}
