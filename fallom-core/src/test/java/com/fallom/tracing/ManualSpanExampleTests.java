package com.fallom.tracing;

import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manual span of docs/tracing.md, compiled and run against the mock backend.
 */
class ManualSpanExampleTests {

	private final DocumentStore store = (query, topK) -> List.of("doc-1", "doc-2");

	@Test
	void guidesManualSpanIsARetrievalRecordOfTheSessionWithItsAttributeInputAndOutput() {
		List<String> documents;
		try (FallomMockServer server = FallomMockServer.start()) {
			try (Fallom fallom = Fallom.builder(Map.of()).apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
					FallomTrace.Scope session = fallom.trace().withSession("support", "s-1")) {
				documents = searchDocs(fallom, "Where is my order?");
			}
			assertThat(documents).containsExactly("doc-1", "doc-2");
			assertThat(server.traceRecords()).singleElement().satisfies((TraceRecord record) -> {
				assertThat(record.name()).isEqualTo("search-docs");
				assertThat(record.kind()).isEqualTo("retrieval");
				assertThat(record.sessionId()).isEqualTo("s-1");
				assertThat(record.attributes()).containsEntry("top_k", 5);
				assertThat(record.rawRequest()).isEqualTo("Where is my order?");
				assertThat(record.rawResponse()).isEqualTo(2);
			});
		}
	}

	private List<String> searchDocs(Fallom fallom, String query) {
		// tag::manual-span[]
		try (FallomSpan span = fallom.trace().startSpan("search-docs", FallomSpan.Kind.RETRIEVAL)) {
			span.setAttribute("top_k", 5).setInput(query);
			List<String> documents = this.store.search(query, 5);
			span.setOutput(documents.size());
			return documents;
		}
		// end::manual-span[]
	}

	interface DocumentStore {

		List<String> search(String query, int topK);

	}

}
