package com.fallom.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionContext;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Manual spans ({@link FallomSpan}) reach the mock backend as trace records of the
 * current session, nested, with their kind, attributes and errors.
 */
class FallomSpanTests {

	private final FallomMockServer server = FallomMockServer.start();

	@AfterEach
	void stop() {
		this.server.close();
	}

	private Fallom fallom(boolean captureContent) {
		return Fallom.builder(Map.of())
			.apiKey(this.server.apiKey())
			.baseUrl(this.server.baseUrl())
			.captureContent(captureContent)
			.build();
	}

	@Test
	void nestedManualSpansAreRecordsOfTheSessionWithTheirKindsAttributesAndParent() {
		try (Fallom fallom = fallom(true);
				FallomTrace.Scope session = fallom.trace()
					.withSession(new FallomSessionContext("support", "s-1", "cust-1").withTags(List.of("beta")))) {
			try (FallomSpan outer = fallom.trace().startSpan("answer-question", FallomSpan.Kind.PREPROCESSING)) {
				outer.setAttribute("question_length", 42).setInput("Where is my order?");
				try (FallomSpan inner = fallom.trace().startSpan("search-docs", FallomSpan.Kind.RETRIEVAL)) {
					inner.setAttribute("filters", Map.of("lang", "en")).setOutput(List.of("doc-1", "doc-2"));
				}
			}
			try (FallomSpan failed = fallom.trace().startSpan("rerank")) {
				failed.setError(new IllegalStateException("reranker down"));
			}
		}
		List<TraceRecord> records = this.server.traceRecords();
		assertThat(records).hasSize(3);
		TraceRecord outer = records.stream().filter((r) -> "answer-question".equals(r.name())).findFirst().orElseThrow();
		TraceRecord inner = records.stream().filter((r) -> "search-docs".equals(r.name())).findFirst().orElseThrow();
		TraceRecord failed = records.stream().filter((r) -> "rerank".equals(r.name())).findFirst().orElseThrow();
		assertThat(records).allSatisfy((record) -> {
			assertThat(record.attribute("fallom.span_type")).isEqualTo("manual");
			assertThat(record.sessionId()).isEqualTo("s-1");
			assertThat(record.customerId()).isEqualTo("cust-1");
			assertThat(record.tags()).containsExactly("beta");
		});
		assertThat(outer.kind()).isEqualTo("preprocessing");
		assertThat(outer.attributes()).containsEntry("question_length", 42);
		assertThat(outer.rawRequest()).isEqualTo("Where is my order?");
		assertThat(outer.parentSpanId()).isNull();
		assertThat(inner.kind()).isEqualTo("retrieval");
		assertThat(inner.parentSpanId()).isEqualTo(outer.spanId());
		assertThat(inner.traceId()).isEqualTo(outer.traceId());
		assertThat(inner.attributes()).containsEntry("filters", Map.of("lang", "en"));
		assertThat(inner.rawResponse()).isEqualTo(List.of("doc-1", "doc-2"));
		assertThat(failed.kind()).isEqualTo("custom");
		assertThat(failed.status()).isEqualTo("ERROR");
		assertThat(failed.errorMessage()).isEqualTo("reranker down");
		assertThat(failed.parentSpanId()).isNull();
	}

	@Test
	void privacyModeSendsAttributesButNoInputOutputOrErrorMessage() {
		try (Fallom fallom = fallom(false); FallomTrace.Scope session = fallom.trace().withSession("support", "s-2")) {
			try (FallomSpan span = fallom.trace().startSpan("search-docs", FallomSpan.Kind.TOOL)) {
				span.setAttribute("documents", 2)
					.setInput("SECRET-QUERY")
					.setOutput("SECRET-RESULT")
					.setError(new IllegalStateException("SECRET-ERROR"));
			}
		}
		assertThat(this.server.traceRecords()).singleElement().satisfies((record) -> {
			assertThat(record.kind()).isEqualTo("tool");
			assertThat(record.name()).isEqualTo("search-docs");
			assertThat(record.attributes()).containsEntry("documents", 2);
			assertThat(record.errorMessage()).isEqualTo("java.lang.IllegalStateException");
		});
		assertThat(new String(this.server.allReceivedBytes(), StandardCharsets.UTF_8)).doesNotContain("SECRET");
	}

	@Test
	void closingTwiceSendsOnceAndOfflineSpansGoNowhere() {
		try (Fallom fallom = fallom(true)) {
			FallomSpan span = fallom.trace().startSpan("step");
			span.close();
			span.close();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.server.traceRecords().size() == 1);
		}
		assertThat(this.server.traceRecords()).hasSize(1);
		try (Fallom offline = Fallom.builder(Map.of()).build();
				FallomSpan span = offline.trace().startSpan("step")) {
			assertThat(span.traceId()).isEqualTo("00000000000000000000000000000000");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> new FallomTrace().startSpan(" "))
			.withMessageContaining("name");
	}

}
