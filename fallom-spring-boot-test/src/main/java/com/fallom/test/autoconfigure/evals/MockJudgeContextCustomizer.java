package com.fallom.test.autoconfigure.evals;

import com.fallom.test.evals.MockJudgeServer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.StringUtils;

/**
 * Starts a {@link MockJudgeServer} with the context, registers it as the bean
 * {@value #JUDGE_BEAN_NAME}, and points {@code fallom.evals.judge-base-url} at it with the
 * lowest precedence, so that a judge the app or a profile configures wins. While the mock
 * judges, the judge model is {@code mock-judge}, so that reports and baselines never pass a
 * mock run for a real one. The judge is started here, not lazily, because its URL must be a
 * property before the beans are made.
 */
class MockJudgeContextCustomizer implements ContextCustomizer {

	static final String JUDGE_BEAN_NAME = "fallomMockJudge";

	static final String MOCK_JUDGE_MODEL = "mock-judge";

	private static final String BASE_URL = "fallom.evals.judge-base-url";

	private static final String MODEL = "fallom.evals.judge-model";

	private static final String CHAT_MODEL = "fallom.evals.judge-chat-model";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		MockJudgeServer judge = MockJudgeServer.start();
		context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> {
			if (event.getApplicationContext() == context) {
				judge.close();
			}
		});
		context.getBeanFactory().registerSingleton(JUDGE_BEAN_NAME, judge);
		ConfigurableEnvironment environment = context.getEnvironment();
		environment.getPropertySources().addLast(new MockJudgePropertySource(judge, environment));
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof MockJudgeContextCustomizer;
	}

	@Override
	public int hashCode() {
		return MockJudgeContextCustomizer.class.hashCode();
	}

	/**
	 * The mock judge's URL, and its model name while no other judge is configured.
	 */
	static final class MockJudgePropertySource extends EnumerablePropertySource<MockJudgeServer> {

		private final ConfigurableEnvironment environment;

		MockJudgePropertySource(MockJudgeServer judge, ConfigurableEnvironment environment) {
			super("fallomMockJudge", judge);
			this.environment = environment;
		}

		@Override
		public String[] getPropertyNames() {
			// Fixed names: asking the environment here would recurse through Boot's property sources
			return new String[] { BASE_URL, MODEL };
		}

		@Override
		public @Nullable Object getProperty(String name) {
			if (BASE_URL.equals(name)) {
				return getSource().openAiBaseUrl();
			}
			if (MODEL.equals(name) && mockJudges()) {
				return MOCK_JUDGE_MODEL;
			}
			return null;
		}

		private boolean mockJudges() {
			return getSource().openAiBaseUrl().equals(this.environment.getProperty(BASE_URL))
					&& !StringUtils.hasText(this.environment.getProperty(CHAT_MODEL));
		}

	}

}
