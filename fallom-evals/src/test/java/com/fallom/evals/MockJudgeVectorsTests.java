package com.fallom.evals;

import java.io.InputStream;

import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fallom-test's mock judge gives the scores the vectors' fake judge gave, for every judge
 * prompt both SDKs sent: tests may recompute instead of replaying.
 */
class MockJudgeVectorsTests {

	@Test
	void mockJudgeScoresEveryRecordedPromptAsTheVectorsFakeJudgeDid() throws Exception {
		JsonMapper mapper = JsonMapper.builder().build();
		JsonNode vectors;
		try (InputStream in = getClass().getResourceAsStream("/eval-vectors.json")) {
			vectors = mapper.readTree(in);
		}
		int checked = 0;
		try (MockJudgeServer judge = MockJudgeServer.start()) {
			for (JsonNode scenario : vectors.get("scenarios")) {
				for (JsonNode request : scenario.get("judge_requests")) {
					JsonNode content = request.at("/response/body/choices/0/message/content");
					if (!content.isString() || !content.asString().startsWith("{")) {
						continue;
					}
					JsonNode verdict = mapper.readTree(content.asString());
					if (!verdict.has("score") || !verdict.has("overall_reasoning")) {
						continue;
					}
					String model = request.at("/body/model").asString();
					String prompt = request.at("/body/messages/0/content").asString();
					if (verdict.get("overall_reasoning").asString().contains("(fake judge")) {
						assertThat(judge.hashedScore(model, prompt)).isEqualTo(verdict.get("score").asDouble());
						checked++;
					}
				}
			}
		}
		assertThat(checked).isGreaterThan(150);
	}

}
