package com.fallom.evals.springai;

import java.util.List;

import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI's OpenAI chat model as judge and candidate, against the mock judge.
 */
class SpringAiEvalModelsTests {

	@Test
	void judgesAndGeneratesThroughASpringAiChatModel() {
		try (MockJudgeServer server = MockJudgeServer.start()) {
			server.score("coherence", 0.8);
			ChatModel chatModel = OpenAiChatModel.builder()
				.options(OpenAiChatOptions.builder()
					.baseUrl(server.openAiBaseUrl())
					.apiKey("sk-test")
					.model("gpt-4o-mini")
					.maxRetries(0)
					.build())
				.build();
			FallomEvals evals = FallomEvals.builder().apiKey(null).judge(SpringAiEvalModels.judge(chatModel)).build();
			EvalRun run = evals.compare(
					EvalRequest.items(EvalItem.of("Hi?", "Hello.").withSystemMessage("Be kind.")).metrics("coherence"),
					List.of(SpringAiEvalModels.candidate(chatModel, "spring-ai-mini")));
			assertThat(run.judgeModel()).isEqualTo("gpt-4o-mini");
			assertThat(run.resultsByModel().get("production").get(0).scores()).containsEntry("coherence", 0.8);
			assertThat(run.resultsByModel().get("spring-ai-mini").get(0).output()).startsWith("[gpt-4o-mini] answer to: Hi?");
			assertThat(run.resultsByModel().get("spring-ai-mini").get(0).tokensIn()).isEqualTo(100);
			assertThat(server.judgeRequests()).hasSize(2)
				.allSatisfy((request) -> assertThat(request.body()).contains("\"temperature\":0.0"));
		}
	}

}
