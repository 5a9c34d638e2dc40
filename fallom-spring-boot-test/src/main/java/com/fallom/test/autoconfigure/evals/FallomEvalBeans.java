package com.fallom.test.autoconfigure.evals;

import java.util.function.Function;

import com.fallom.evals.FallomEvals;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Hands beans of a Spring test's application context to a {@code FallomEvalSuite}.
 */
public final class FallomEvalBeans {

	private FallomEvalBeans() {
	}

	/**
	 * Return the {@link FallomEvals} bean of the test class's context, for
	 * {@code FallomEvalSuite.builder(name).evalsFrom(FallomEvalBeans.evals())}.
	 * @return the function from the class's JUnit context to the bean
	 */
	public static Function<@Nullable ExtensionContext, FallomEvals> evals() {
		return (context) -> {
			if (context == null) {
				throw new IllegalStateException(
						"FallomEvalBeans.evals() needs the suite registered with @RegisterExtension on a Spring test class");
			}
			return SpringExtension.getApplicationContext(context).getBean(FallomEvals.class);
		};
	}

}
