package com.fallom.test;

import java.util.List;
import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the trace records a {@link FallomMockServer} received, narrowed to one
 * record before the field checks.
 */
public class TraceRecordAssert extends AbstractAssert<TraceRecordAssert, List<TraceRecord>> {

	TraceRecordAssert(List<TraceRecord> records) {
		super(records, TraceRecordAssert.class);
	}

	/**
	 * Keep the records of one session.
	 * @param sessionId the session id
	 * @return assertions on those records
	 */
	public TraceRecordAssert forSession(String sessionId) {
		List<TraceRecord> matching = this.actual.stream()
			.filter((record) -> Objects.equals(record.sessionId(), sessionId))
			.toList();
		if (matching.isEmpty()) {
			failWithMessage("Expected a record of session <%s> but the records were %s", sessionId, this.actual);
		}
		return new TraceRecordAssert(matching);
	}

	/**
	 * Verify the model of the one record selected.
	 * @param model the expected model
	 * @return this
	 */
	public TraceRecordAssert hasModel(String model) {
		return hasField("model", single().model(), model);
	}

	/**
	 * Verify the config key of the one record selected.
	 * @param configKey the expected config key
	 * @return this
	 */
	public TraceRecordAssert hasConfigKey(String configKey) {
		return hasField("config_key", single().configKey(), configKey);
	}

	/**
	 * Verify the status ({@code OK} or {@code ERROR}) of the one record selected.
	 * @param status the expected status
	 * @return this
	 */
	public TraceRecordAssert hasStatus(String status) {
		return hasField("status", single().status(), status);
	}

	/**
	 * Verify the prompt tokens of the one record selected.
	 * @param tokens the expected count
	 * @return this
	 */
	public TraceRecordAssert hasPromptTokens(long tokens) {
		return hasField("prompt_tokens", single().tokens("prompt_tokens"), tokens);
	}

	/**
	 * Verify the completion tokens of the one record selected.
	 * @param tokens the expected count
	 * @return this
	 */
	public TraceRecordAssert hasCompletionTokens(long tokens) {
		return hasField("completion_tokens", single().tokens("completion_tokens"), tokens);
	}

	/**
	 * Verify that the one record selected carries no raw request or response.
	 * @return this
	 */
	public TraceRecordAssert hasNoContent() {
		TraceRecord record = single();
		if (record.hasContent()) {
			failWithMessage("Expected record <%s> to carry no request or response but its attributes were %s",
					record.name(), record.attributes().keySet());
		}
		return this;
	}

	/**
	 * Return the one record selected, for assertions of your own.
	 * @return the record
	 */
	public TraceRecord record() {
		return single();
	}

	private TraceRecordAssert hasField(String field, Object actualValue, Object expected) {
		if (!Objects.equals(actualValue, expected)) {
			failWithMessage("Expected record <%s> to have %s=<%s> but it had <%s>", single().name(), field, expected,
					actualValue);
		}
		return this;
	}

	private TraceRecord single() {
		if (this.actual.size() != 1) {
			failWithMessage("Expected one record but the selection holds %s: %s; narrow it with forSession",
					this.actual.size(), this.actual);
		}
		return this.actual.get(0);
	}

}
