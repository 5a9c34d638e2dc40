package com.fallom.evals;

import java.nio.file.Path;
import java.util.List;

import com.fallom.evals.springai.SpringAiEvalModels;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;
import com.fallom.test.FallomMockServer;
import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of docs/evals.md, run against the mock Fallom app and the mock judge
 * (DocsTests in sample-app checks that the page's blocks are these tagged regions).
 */
class EvalsDocExamplesTests {

	@Test
	void evaluateAList(@TempDir Path reports) {
		try (FallomMockServer fallom = FallomMockServer.start(); MockJudgeServer mockJudge = MockJudgeServer.start()) {
			String fallomApiKey = fallom.apiKey();
			String openRouterKey = "sk-or-test";
			// tag::evaluate[]
			FallomEvals evals = FallomEvals.builder()
				.appUrl(fallom.baseUrl())              // default https://app.fallom.com
				.apiKey(fallomApiKey)                  // default FALLOM_API_KEY; none: no upload
				.judgeClient(OpenAiCompatibleClient.builder()
					.baseUrl(mockJudge.openAiBaseUrl()) // default OpenRouter
					.apiKey(openRouterKey)              // default OPENROUTER_API_KEY
					.build())
				.concurrency(32)
				.maxCost(5.00)                         // dollars; or maxCalls(...)
				.reportDirectory(reports)              // a JSON and a Markdown report per run
				.build();

			List<EvalItem> items = List.of(
					EvalItem.of("How do I reset my password?", "Settings > Security > Reset password.")
						.withSystemMessage("You are Acme's support assistant."),
					EvalItem.testCase("What is the capital of Australia?", "Sydney.", "Canberra"));
			Metric brandVoice = Metric.custom("brand_voice",
					"Brand Voice - Does the response sound friendly and on-brand for Acme?",
					List.of("Check the tone is friendly", "Check the response avoids jargon"));

			EvalRun run = evals.evaluate(EvalRequest.items(items)
				.metrics("answer_relevancy", "faithfulness", brandVoice)
				.judgeContext("Acme Cloud is a hosting platform; plans: Free, Team, Enterprise.")
				.name("Nightly support eval"));

			double relevancy = run.results().get(0).scores().get("answer_relevancy");
			String dashboard = run.upload().dashboardUrl();   // {app}/evals/{run_id}
			String table = run.summary().toMarkdown();        // mean, pass rate, errors per model x metric
			// end::evaluate[]
			assertThat(relevancy).isBetween(0.0, 1.0);
			assertThat(dashboard).isEqualTo(fallom.baseUrl() + "/evals/run_1");
			assertThat(table).contains("| production | brand_voice |");
			assertThat(run.reportFiles()).hasSize(2);
		}
	}

	@Test
	void compareTheVariantsOfAConfig() {
		try (FallomMockServer fallom = FallomMockServer.start(); MockJudgeServer mockJudge = MockJudgeServer.start()) {
			OpenAiCompatibleClient openRouter = OpenAiCompatibleClient.builder()
				.baseUrl(mockJudge.openAiBaseUrl())
				.apiKey("sk-or-test")
				.build();
			FallomEvals evals = FallomEvals.builder()
				.appUrl(fallom.baseUrl())
				.apiKey(fallom.apiKey())
				.judgeClient(openRouter)
				.build();
			fallom.evals().putDataset("support-faq", "Support FAQ", 3,
					List.of(com.fallom.test.FallomMockEvals.DatasetEntry.of("Can I get a refund?", "Within 30 days.")));
			// The config as FallomModels syncs it: fallomModels.getRegistry().getLatest("support")
			ModelConfig config = new ModelConfig("support", 3,
					List.of(new ModelVariant("openai/gpt-4o-mini", 50), new ModelVariant("anthropic/claude-3.5-haiku", 50)),
					ConfigOrigin.BOOTSTRAP);
			// tag::compare[]
			// The question the A/B test asks, answered offline on a dataset before it runs
			List<Candidate> candidates = Candidate.variantsOf(config, openRouter::candidate);
			EvalRun comparison = evals.compare(
					EvalRequest.dataset("support-faq").metrics("answer_relevancy", "completeness"), candidates);

			for (EvalSummary.Row row : comparison.summary().rows()) {
				// production, openai/gpt-4o-mini, anthropic/claude-3.5-haiku x each metric
				System.out.printf("%s %s mean %.2f pass %.0f%%%n", row.model(), row.metric(), row.mean(),
						row.passRate() * 100);
			}
			// end::compare[]
			assertThat(comparison.resultsByModel().keySet()).containsExactly("production", "openai/gpt-4o-mini",
					"anthropic/claude-3.5-haiku");
		}
	}

	@Test
	void otherJudges() {
		ChatModel chatModel = (prompt) -> new ChatResponse(
				List.of(new Generation(new AssistantMessage("{\"score\": 0.9, \"overall_reasoning\": \"ok\"}"))));
		// tag::judges[]
		// Any Spring AI ChatModel (or LangChain4jEvalModels.judge(chatModel, "name"))
		FallomEvals springAiJudged = FallomEvals.builder()
			.judge(SpringAiEvalModels.judge(chatModel, "my-judge"))
			.build();
		// Or a function from prompt to the judge's JSON answer
		FallomEvals functionJudged = FallomEvals.builder()
			.judge(Judge.of("rules-v1", (prompt) -> "{\"score\": 1, \"overall_reasoning\": \"fine\"}"))
			.build();
		// end::judges[]
		EvalRun run = springAiJudged.evaluate(EvalRequest.items(EvalItem.of("q", "a")).metrics("toxicity").upload(false));
		assertThat(run.results().get(0).scores()).containsEntry("toxicity", 0.9);
		run = functionJudged.evaluate(EvalRequest.items(EvalItem.of("q", "a")).metrics("toxicity").upload(false));
		assertThat(run.results().get(0).scores()).containsEntry("toxicity", 1.0);
	}

}
