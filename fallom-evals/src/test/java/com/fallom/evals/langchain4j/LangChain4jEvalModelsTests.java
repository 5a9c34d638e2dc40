package com.fallom.evals.langchain4j;

import java.util.List;

import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.test.evals.MockJudgeServer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's OpenAI chat model as judge and candidate, against the mock judge.
 */
class LangChain4jEvalModelsTests {

	@Test
	void judgesAndGeneratesThroughALangChain4jChatModel() {
		try (MockJudgeServer server = MockJudgeServer.start()) {
			server.score("bias", 0.95);
			ChatModel chatModel = OpenAiChatModel.builder()
				.baseUrl(server.openAiBaseUrl())
				.apiKey("sk-test")
				.modelName("gpt-4o-mini")
				.maxRetries(0)
				.build();
			FallomEvals evals = FallomEvals.builder()
				.apiKey(null)
				.judge(LangChain4jEvalModels.judge(chatModel, "gpt-4o-mini"))
				.build();
			EvalRun run = evals.compare(EvalRequest.items(EvalItem.of("Hi?", "Hello.")).metrics("bias"),
					List.of(LangChain4jEvalModels.candidate(chatModel, "lc4j-mini")));
			assertThat(run.resultsByModel().get("production").get(0).scores()).containsEntry("bias", 0.95);
			assertThat(run.resultsByModel().get("lc4j-mini").get(0).output()).startsWith("[gpt-4o-mini] answer to: Hi?");
			assertThat(run.resultsByModel().get("lc4j-mini").get(0).scores()).containsEntry("bias", 0.95);
			assertThat(server.judgeRequests()).hasSize(2)
				.allSatisfy((request) -> assertThat(request.body()).contains("\"json_object\""));
		}
	}

}
