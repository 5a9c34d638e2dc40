package com.fallom.test;

import java.util.List;
import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on exported spans: a selection that
 * {@link #forSession(String)} narrows, and checks of the one span it must then hold.
 */
public class ExportedSpanAssert extends AbstractAssert<ExportedSpanAssert, List<ExportedSpan>> {

	ExportedSpanAssert(List<ExportedSpan> actual) {
		super(List.copyOf(actual), ExportedSpanAssert.class);
	}

	/**
	 * Narrow the selection to the spans of a session.
	 * @param sessionId the session id ({@code fallom.session_id})
	 * @return assertions on the narrowed selection
	 */
	public ExportedSpanAssert forSession(String sessionId) {
		List<ExportedSpan> matching = this.actual.stream()
			.filter((span) -> Objects.equals(span.sessionId(), sessionId))
			.toList();
		if (matching.isEmpty()) {
			failWithMessage("Expected a span of session <%s> among %s", sessionId, this.actual);
		}
		return new ExportedSpanAssert(matching);
	}

	/**
	 * Verify the requested model ({@code gen_ai.request.model}) of the one span selected.
	 * @param model the expected model
	 * @return this
	 */
	public ExportedSpanAssert hasModel(String model) {
		return hasAttribute("gen_ai.request.model", model);
	}

	/**
	 * Verify the input tokens ({@code gen_ai.usage.input_tokens}) of the one span selected.
	 * @param tokens the expected number of tokens
	 * @return this
	 */
	public ExportedSpanAssert hasInputTokens(long tokens) {
		return hasAttribute("gen_ai.usage.input_tokens", tokens);
	}

	/**
	 * Verify the output tokens ({@code gen_ai.usage.output_tokens}) of the one span
	 * selected.
	 * @param tokens the expected number of tokens
	 * @return this
	 */
	public ExportedSpanAssert hasOutputTokens(long tokens) {
		return hasAttribute("gen_ai.usage.output_tokens", tokens);
	}

	/**
	 * Verify the config key ({@code fallom.config_key}) of the one span selected.
	 * @param configKey the expected config key
	 * @return this
	 */
	public ExportedSpanAssert hasConfigKey(String configKey) {
		return hasAttribute(ExportedSpan.CONFIG_KEY, configKey);
	}

	/**
	 * Verify an attribute of the one span selected, compared with its OTLP type:
	 * {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code List}.
	 * @param key the attribute key
	 * @param value the expected value
	 * @return this
	 */
	public ExportedSpanAssert hasAttribute(String key, Object value) {
		ExportedSpan span = single();
		Object actualValue = span.attributes().get(key);
		Object expected = (value instanceof Integer integer) ? Long.valueOf(integer) : value;
		if (!Objects.equals(actualValue, expected)) {
			failWithMessage("Expected span <%s> to have %s=<%s> but it had <%s>", span.name(), key, value, actualValue);
		}
		return this;
	}

	/**
	 * Verify that the one span selected carries no prompt or completion text.
	 * @return this
	 */
	public ExportedSpanAssert hasNoContent() {
		ExportedSpan span = single();
		if (span.hasContent()) {
			failWithMessage("Expected span <%s> to carry no prompt or completion text but its attributes were %s",
					span.name(), span.attributes().keySet());
		}
		return this;
	}

	/**
	 * Return the one span selected, for assertions of your own.
	 * @return the span
	 */
	public ExportedSpan span() {
		return single();
	}

	private ExportedSpan single() {
		if (this.actual.size() != 1) {
			failWithMessage("Expected one span but the selection holds %s: %s; narrow it with forSession",
					this.actual.size(), this.actual);
		}
		return this.actual.get(0);
	}

}
