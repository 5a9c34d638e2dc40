package com.fallom.evals.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * The cases of an eval dataset as the arguments of a {@code @ParameterizedTest}, one
 * {@link EvalCase} per invocation: {@code classpath:evals/support.jsonl} (or a file path;
 * JSONL, JSON or CSV, see {@link EvalCases}), or {@code fallom:<key>} for a dataset of the
 * Fallom app (with the API key of the system property {@code fallom.api-key}, else
 * {@code FALLOM_API_KEY}, and the app URL of the system property {@code fallom.evals.app-url}
 * when set).
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(FallomDatasetArgumentsProvider.class)
public @interface FallomDatasetSource {

	/**
	 * The dataset: {@code classpath:...}, a file path, or {@code fallom:<key>}.
	 * @return the location
	 */
	String value();

}
