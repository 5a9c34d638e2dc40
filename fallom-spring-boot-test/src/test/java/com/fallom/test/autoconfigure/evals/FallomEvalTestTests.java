package com.fallom.test.autoconfigure.evals;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.junit.EvalAssertions;
import com.fallom.evals.junit.EvalCase;
import com.fallom.evals.junit.FallomDatasetSource;
import com.fallom.evals.junit.FallomEvalSuite;
import com.fallom.test.FallomMockServer;
import com.fallom.test.autoconfigure.app.ChatApplication;
import com.fallom.test.autoconfigure.app.SupportAssistant;
import com.fallom.test.evals.MockJudgeServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link FallomEvalTest} runs an eval suite of the app's own assistant, judged by the mock
 * judge unless the app names a judge, without a web server and against the mock backend.
 */
class FallomEvalTestTests {

	static final Path REPORTS = Path.of("target", "fallom-evals-test");

	@Test
	void anEvalSuiteOfTheAppsAssistantRunsAgainstTheMockJudge() throws Exception {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SupportEvals.class))
			.execute()
			.testEvents();
		tests.assertStatistics((stats) -> stats.started(3).succeeded(3));
		assertThat(Files.readString(REPORTS.resolve("spring-support.md"))).contains("| answer_relevancy | 0.900 |");
	}

	@Test
	void aJudgeTheAppConfiguresWinsOverTheMockJudge() {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(AppJudgeEvals.class))
			.execute()
			.testEvents();
		tests.assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	@Test
	void aChatModelBeanTheAppNamesJudgesInsteadOfTheMockJudge() {
		Events tests = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(ChatModelJudgeEvals.class))
			.execute()
			.testEvents();
		tests.assertStatistics((stats) -> stats.started(1).succeeded(1));
	}

	@FallomEvalTest(classes = ChatApplication.class)
	static class SupportEvals {

		@RegisterExtension
		static FallomEvalSuite suite = FallomEvalSuite.builder("spring-support")
			.evalsFrom(FallomEvalBeans.evals())
			.reportDirectory(REPORTS)
			.build();

		@Autowired
		SupportAssistant assistant;

		@Autowired
		MockJudgeServer judge;

		@Autowired
		FallomMockServer fallom;

		@Autowired
		ApplicationContext context;

		@ParameterizedTest
		@FallomDatasetSource("classpath:evals/support.jsonl")
		void answers(EvalCase evalCase) {
			this.judge.score("answer_relevancy", 0.9);
			EvalAssertions.assertThat(suite.evaluate(evalCase, (input) -> this.assistant.answer(evalCase.id(), input)))
				.metric("answer_relevancy")
				.isAtLeast(0.9);
			assertThat(this.judge.judgeRequests()).isNotEmpty().allSatisfy((request) -> assertThat(request.model()).isEqualTo("mock-judge"));
		}

		@Test
		void noWebServerAndNothingUploaded() {
			assertThat(this.context.getClass().getName()).doesNotContain("Web");
			assertThat(this.fallom.evals().uploads()).isEmpty();
		}

	}

	@FallomEvalTest(classes = ChatApplication.class,
			properties = { "fallom.evals.judge-base-url=http://127.0.0.1:9/v1", "fallom.evals.max-retries=0" })
	static class AppJudgeEvals {

		@Autowired
		FallomEvals evals;

		@Autowired
		MockJudgeServer judge;

		@Test
		void theAppsJudgeIsAsked() {
			EvalRun run = this.evals.evaluate(EvalRequest.items(EvalItem.of("q", "a")).metrics("toxicity").upload(false));
			assertThat(run.results().get(0).errors()).containsKey("toxicity");
			assertThat(this.judge.requests()).isEmpty();
			assertThat(this.evals.judge().model()).isEqualTo("openai/gpt-4o-mini");
		}

	}

	@FallomEvalTest(classes = ChatApplication.class, properties = "fallom.evals.judge-chat-model=chatModel")
	static class ChatModelJudgeEvals {

		@Autowired
		FallomEvals evals;

		@Autowired
		MockJudgeServer judge;

		@Test
		void theChatModelIsAsked() {
			EvalRun run = this.evals.evaluate(EvalRequest.items(EvalItem.of("q", "a")).metrics("toxicity").upload(false));
			assertThat(run.results().get(0).reasoning()).containsKey("toxicity");
			assertThat(this.judge.requests()).isEmpty();
			assertThat(this.evals.judge().model()).isNotEqualTo("mock-judge");
		}

	}

}
