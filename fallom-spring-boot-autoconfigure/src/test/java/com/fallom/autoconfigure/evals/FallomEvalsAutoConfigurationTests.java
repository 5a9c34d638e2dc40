package com.fallom.autoconfigure.evals;

import java.util.List;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalListener;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.test.FallomMockEvals.DatasetEntry;
import com.fallom.test.FallomMockServer;
import com.fallom.test.evals.MockJudgeServer;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomEvalsAutoConfiguration}.
 */
class FallomEvalsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(FallomAutoConfiguration.class, FallomEvalsAutoConfiguration.class));

	@Test
	void evaluatesADatasetOfTheAppWithTheJudgeOfTheProperties() {
		try (FallomMockServer fallom = FallomMockServer.start(); MockJudgeServer judge = MockJudgeServer.start()) {
			fallom.evals().putDataset("faq", "FAQ", 1, List.of(DatasetEntry.of("Q?", "A.")));
			judge.score("toxicity", 0.75);
			this.runner
				.withPropertyValues("fallom.api-key=" + fallom.apiKey(), "fallom.evals.app-url=" + fallom.baseUrl(),
						"fallom.evals.judge-base-url=" + judge.openAiBaseUrl(), "fallom.evals.judge-api-key=sk-judge",
						"fallom.evals.judge-model=judge-1", "fallom.evals.concurrency=2")
				.run((context) -> {
					assertThat(context).hasSingleBean(FallomEvals.class);
					EvalRun run = context.getBean(FallomEvals.class)
						.evaluate(EvalRequest.dataset("faq").metrics("toxicity").name("Boot"));
					assertThat(run.results().get(0).scores()).containsEntry("toxicity", 0.75);
					assertThat(run.judgeModel()).isEqualTo("judge-1");
					assertThat(run.upload().uploaded()).isTrue();
					assertThat(fallom.evals().uploads()).singleElement()
						.satisfies((upload) -> assertThat(upload.name()).isEqualTo("Boot"));
					assertThat(judge.judgeRequests()).singleElement()
						.satisfies((request) -> assertThat(request.authorization()).isEqualTo("Bearer sk-judge"));
				});
		}
	}

	@Test
	void privacyModeKeepsTheResultsInTheProcess() {
		try (FallomMockServer fallom = FallomMockServer.start(); MockJudgeServer judge = MockJudgeServer.start()) {
			fallom.evals().putDataset("faq", "FAQ", 1, List.of(DatasetEntry.of("Q?", "A.")));
			this.runner
				.withPropertyValues("fallom.api-key=" + fallom.apiKey(), "fallom.evals.app-url=" + fallom.baseUrl(),
						"fallom.evals.judge-base-url=" + judge.openAiBaseUrl(), "fallom.evals.judge-api-key=sk-judge",
						"fallom.capture-content=false")
				.run((context) -> {
					EvalRun run = context.getBean(FallomEvals.class)
						.evaluate(EvalRequest.dataset("faq").metrics("toxicity").name("Private"));
					assertThat(run.results()).hasSize(1);
					assertThat(run.upload().uploaded()).isFalse();
					assertThat(run.upload().error()).contains("privacy mode");
					assertThat(fallom.evals().uploads()).isEmpty();
				});
		}
	}

	@Test
	void judgesWithTheLangChain4jChatModelBeanItIsNamed() {
		try (MockJudgeServer judge = MockJudgeServer.start()) {
			judge.score("bias", 0.6);
			this.runner.withBean("evalJudge", dev.langchain4j.model.chat.ChatModel.class,
					() -> OpenAiChatModel.builder()
						.baseUrl(judge.openAiBaseUrl())
						.apiKey("sk-lc4j")
						.modelName("lc4j-judge")
						.build())
				.withPropertyValues("fallom.evals.judge-chat-model=evalJudge", "fallom.evals.judge-model=lc4j-judge")
				.run((context) -> {
					EvalRun run = context.getBean(FallomEvals.class)
						.evaluate(EvalRequest.items(EvalItem.of("Q?", "A.")).metrics("bias").upload(false));
					assertThat(run.results().get(0).scores()).containsEntry("bias", 0.6);
					assertThat(judge.judgeRequests()).singleElement()
						.satisfies((request) -> assertThat(request.authorization()).isEqualTo("Bearer sk-lc4j"));
				});
		}
	}

	@Test
	void judgesWithTheSpringAiChatModelBeanItIsNamed() {
		ChatModel chatModel = (prompt) -> new ChatResponse(
				List.of(new Generation(new AssistantMessage("{\"score\": 0.4, \"overall_reasoning\": \"spring\"}"))));
		this.runner.withBean("springJudge", ChatModel.class, () -> chatModel)
			.withPropertyValues("fallom.evals.judge-chat-model=springJudge", "fallom.evals.judge-model=spring-judge")
			.run((context) -> {
				EvalRun run = context.getBean(FallomEvals.class)
					.evaluate(EvalRequest.items(EvalItem.of("Q?", "A.")).metrics("coherence").upload(false));
				assertThat(run.results().get(0).scores()).containsEntry("coherence", 0.4);
				assertThat(run.results().get(0).reasoning()).containsEntry("coherence", "spring");
				assertThat(run.judgeModel()).isEqualTo("spring-judge");
			});
	}

	@Test
	void failsAtStartupNamingAJudgeChatModelThatIsNoBeanOrNoChatModel() {
		this.runner.withPropertyValues("fallom.evals.judge-chat-model=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("fallom.evals.judge-chat-model"));
		this.runner.withBean("notAModel", String.class, () -> "text")
			.withPropertyValues("fallom.evals.judge-chat-model=notAModel")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("fallom.evals.judge-chat-model")
				.hasMessageContaining("not a Spring AI or LangChain4j ChatModel"));
	}

	@Test
	void failsAtStartupNamingAnInvalidProperty() {
		for (String property : List.of("fallom.evals.concurrency=0", "fallom.evals.max-cost=-1",
				"fallom.evals.max-calls=-1", "fallom.evals.max-retries=-1", "fallom.evals.app-url=ftp://app",
				"fallom.evals.judge-base-url=not a url", "fallom.evals.judge-timeout=0s", "fallom.evals.judge-api-key= ")) {
			String name = property.substring(0, property.indexOf('='));
			this.runner.withPropertyValues(property)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining(name));
		}
	}

	@Test
	void usesTheListenerBean() {
		EvalListener listener = new EvalListener() {
		};
		this.runner.withBean(EvalListener.class, () -> listener)
			.run((context) -> assertThat(context).hasSingleBean(FallomEvals.class));
	}

	@Test
	void backsOffWithoutFallomEvals() {
		this.runner.withClassLoader(new FilteredClassLoader(FallomEvals.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("fallomEvals"));
	}

	@Test
	void backsOffWhenEvalsOrFallomAreOff() {
		this.runner.withPropertyValues("fallom.evals.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomEvals.class));
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomEvals.class));
	}

	@Test
	void usersOwnEvalsWin() {
		this.runner.withUserConfiguration(OwnEvals.class)
			.run((context) -> assertThat(context.getBean(FallomEvals.class)).isSameAs(OwnEvals.evals));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEvals {

		static final FallomEvals evals = FallomEvals.builder().apiKey(null).build();

		@Bean
		FallomEvals ownEvals() {
			return evals;
		}

	}

}
