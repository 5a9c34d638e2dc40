package com.fallom.test.autoconfigure.evals;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * {@link ContextCustomizerFactory} of the mock judge of {@link FallomEvalTest}.
 */
class MockJudgeContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		if (!isPresent("org.springframework.boot.test.context.SpringBootTest")) {
			return null;
		}
		FallomEvalTest evalTest = TestContextAnnotationUtils.findMergedAnnotation(testClass, FallomEvalTest.class);
		return (evalTest != null && evalTest.mockJudge()) ? new MockJudgeContextCustomizer() : null;
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, MockJudgeContextCustomizerFactory.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
