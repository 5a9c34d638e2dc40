package com.fallom.test.autoconfigure.evals;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import com.fallom.test.autoconfigure.AutoConfigureFallomMockServer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;

/**
 * An eval suite of a Spring Boot app: the app's own context and beans (the assistant under
 * test), no web server, every Fallom service pointed at the mock backend
 * ({@link AutoConfigureFallomMockServer}), and the {@code FallomEvals} bean judged by the
 * judge the app configures ({@code fallom.evals.judge-base-url} or
 * {@code fallom.evals.judge-chat-model}, e.g. from a profile) or else by a
 * {@link com.fallom.test.evals.MockJudgeServer} that the test can inject.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@AutoConfigureFallomMockServer
public @interface FallomEvalTest {

	/**
	 * Properties for the test's environment, in {@code key=value} form.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

	/**
	 * The component classes of the context; default the app's {@code @SpringBootConfiguration}.
	 * @return the classes
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "classes")
	Class<?>[] classes() default {};

	/**
	 * Whether a mock judge judges when the app names no judge of its own.
	 * @return whether to use the mock judge
	 */
	boolean mockJudge() default true;

}
