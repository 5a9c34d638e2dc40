package com.fallom.test.autoconfigure.evals;

import java.util.Map;

import com.fallom.test.evals.MockJudgeServer;

import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts a {@link MockJudgeServer} with the context, registers it as the bean
 * {@value #JUDGE_BEAN_NAME}, and points {@code fallom.evals.judge-base-url} at it (judge model
 * {@code mock-judge}) with the lowest precedence, so that a judge the app or a profile
 * configures wins. The judge is
 * started here, not lazily, because its URL must be a property before the beans are made.
 */
class MockJudgeContextCustomizer implements ContextCustomizer {

	static final String JUDGE_BEAN_NAME = "fallomMockJudge";

	// The judge model's name in reports and baselines, so that a mock run is never taken for a real one
	static final String MOCK_JUDGE_MODEL = "mock-judge";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		MockJudgeServer judge = MockJudgeServer.start();
		context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> {
			if (event.getApplicationContext() == context) {
				judge.close();
			}
		});
		context.getBeanFactory().registerSingleton(JUDGE_BEAN_NAME, judge);
		context.getEnvironment()
			.getPropertySources()
			.addLast(new MapPropertySource("fallomMockJudge",
					Map.of("fallom.evals.judge-base-url", judge.openAiBaseUrl(), "fallom.evals.judge-api-key",
							"mock-judge-key", "fallom.evals.judge-model", MOCK_JUDGE_MODEL)));
	}

	@Override
	public boolean equals(Object obj) {
		return obj instanceof MockJudgeContextCustomizer;
	}

	@Override
	public int hashCode() {
		return MockJudgeContextCustomizer.class.hashCode();
	}

}
