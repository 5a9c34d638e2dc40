package com.fallom.test;

import java.util.List;
import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on what a {@link FallomMockServer} received.
 *
 * @see FallomAssertions#assertThat(FallomMockServer)
 */
public class FallomMockServerAssert extends AbstractAssert<FallomMockServerAssert, FallomMockServer> {

	FallomMockServerAssert(FallomMockServer actual) {
		super(actual, FallomMockServerAssert.class);
	}

	/**
	 * Verify that the mock received an assignment record of a session, and continue with
	 * it (the last one, when the session has several).
	 * @param sessionId the session id
	 * @return assertions on the record
	 */
	public SessionRecordAssert recordedSession(String sessionId) {
		isNotNull();
		List<SessionRecord> records = this.actual.sessionRecords();
		List<SessionRecord> matching = records.stream()
			.filter((record) -> Objects.equals(record.sessionId(), sessionId))
			.toList();
		if (matching.isEmpty()) {
			failWithMessage("Expected a session record of session <%s> but the mock received %s", sessionId, records);
		}
		return new SessionRecordAssert(matching.get(matching.size() - 1));
	}

	/**
	 * Verify that the mock received no assignment record.
	 * @return this
	 */
	public FallomMockServerAssert hasNoRecordedSessions() {
		isNotNull();
		List<SessionRecord> records = this.actual.sessionRecords();
		if (!records.isEmpty()) {
			failWithMessage("Expected no session records but the mock received %s", records);
		}
		return this;
	}

	/**
	 * Verify that the mock received custom metrics of a session, and continue with them
	 * (the last record, when the session has several).
	 * @param sessionId the session id
	 * @return assertions on the metrics
	 */
	public MetricsRecordAssert recordedMetrics(String sessionId) {
		isNotNull();
		List<MetricsRecord> records = this.actual.metricsRecords();
		List<MetricsRecord> matching = records.stream()
			.filter((record) -> Objects.equals(record.sessionId(), sessionId))
			.toList();
		if (matching.isEmpty()) {
			failWithMessage("Expected custom metrics of session <%s> but the mock received %s", sessionId, records);
		}
		return new MetricsRecordAssert(matching.get(matching.size() - 1));
	}

	/**
	 * Verify that the mock received the span of a chat call, and continue with the chat
	 * spans; narrow them with {@link ExportedSpanAssert#forSession(String)}.
	 * @return assertions on the chat spans
	 */
	public ExportedSpanAssert exportedChatSpan() {
		isNotNull();
		List<ExportedSpan> chatSpans = this.actual.exportedSpans().stream().filter(ExportedSpan::isChat).toList();
		if (chatSpans.isEmpty()) {
			failWithMessage("Expected a chat span but the mock received %s", this.actual.exportedSpans());
		}
		return new ExportedSpanAssert(chatSpans);
	}

	/**
	 * Verify that the mock received the trace record of a chat call (kind {@code llm}),
	 * and continue with the chat records; narrow them with
	 * {@link TraceRecordAssert#forSession(String)}.
	 * @return assertions on the chat records
	 */
	public TraceRecordAssert receivedChatRecord() {
		isNotNull();
		List<TraceRecord> chat = this.actual.traceRecords()
			.stream()
			.filter((record) -> "llm".equals(record.kind()))
			.toList();
		if (chat.isEmpty()) {
			failWithMessage("Expected a chat trace record but the mock received %s", this.actual.traceRecords());
		}
		return new TraceRecordAssert(chat);
	}

	/**
	 * Verify that no request reached the mock without the right API key.
	 * @return this
	 */
	public FallomMockServerAssert hasNoUnauthorizedRequests() {
		isNotNull();
		if (this.actual.unauthorizedCount() != 0) {
			failWithMessage("Expected no unauthorized requests but the mock received %s",
					this.actual.unauthorizedCount());
		}
		return this;
	}

}
