package com.fallom.evals;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One thing to evaluate: the user input, the output to judge (the production output, or
 * for a comparison the reference the candidates answer again), an optional system message,
 * and for test cases the expected output and retrieved context. Expected output, context
 * and metadata are uploaded with the results but, as in the SDKs, never reach the judge.
 *
 * @param input the user input
 * @param output the output to judge; {@code null} is judged as the text {@code null}
 * @param systemMessage the system message, or {@code null}
 * @param expectedOutput the expected output of a test case, or {@code null}
 * @param context the retrieved context of a test case, or {@code null}
 * @param metadata free-form metadata, or {@code null}
 */
public record EvalItem(String input, @Nullable String output, @Nullable String systemMessage,
		@Nullable String expectedOutput, @Nullable List<String> context, @Nullable Map<String, Object> metadata) {

	public EvalItem {
		Objects.requireNonNull(input, "item input must not be null");
		context = (context != null) ? List.copyOf(context) : null;
		metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata)) : null;
	}

	/**
	 * Create an item.
	 * @param input the user input
	 * @param output the output to judge
	 * @return the item
	 */
	public static EvalItem of(String input, @Nullable String output) {
		return new EvalItem(input, output, null, null, null, null);
	}

	/**
	 * Create a test case: an input, the application's actual output and the expected one.
	 * @param input the user input
	 * @param actualOutput the output to judge
	 * @param expectedOutput the expected output
	 * @return the item
	 */
	public static EvalItem testCase(String input, String actualOutput, @Nullable String expectedOutput) {
		return new EvalItem(input, actualOutput, null, expectedOutput, null, null);
	}

	/**
	 * Return this item with a system message.
	 * @param systemMessage the system message
	 * @return the item
	 */
	public EvalItem withSystemMessage(@Nullable String systemMessage) {
		return new EvalItem(this.input, this.output, systemMessage, this.expectedOutput, this.context, this.metadata);
	}

	/**
	 * Return this item with retrieved context.
	 * @param context the context documents
	 * @return the item
	 */
	public EvalItem withContext(@Nullable List<String> context) {
		return new EvalItem(this.input, this.output, this.systemMessage, this.expectedOutput, context, this.metadata);
	}

	/**
	 * Return this item with metadata.
	 * @param metadata the metadata
	 * @return the item
	 */
	public EvalItem withMetadata(@Nullable Map<String, Object> metadata) {
		return new EvalItem(this.input, this.output, this.systemMessage, this.expectedOutput, this.context, metadata);
	}

}
