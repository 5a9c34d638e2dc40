package com.fallom.springai;

import java.util.ArrayList;
import java.util.List;

import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.internal.GenAiAttributes;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;
import org.springframework.ai.embedding.observation.DefaultEmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationDocumentation;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the embedding and vector store span handlers, with Spring AI's
 * {@link SimpleVectorStore} and an embedding model observed as Spring AI's providers
 * observe theirs.
 */
class FallomAgentSpanHandlersTests {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final SdkTracerProvider provider = SdkTracerProvider.builder()
		.addSpanProcessor(SimpleSpanProcessor.create(this.exporter))
		.build();

	@AfterEach
	void close() {
		this.provider.close();
		FallomSessionHolder.clear();
	}

	private ObservationRegistry registry(boolean captureContent) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(
					new FallomEmbeddingObservationHandler(this.provider.get("test"), captureContent))
			.observationHandler(
					new FallomVectorStoreObservationHandler(this.provider.get("test"), captureContent));
		return registry;
	}

	@Test
	void aVectorStoreQueryAndItsEmbeddingCallAreSpansWithTheSessionAndNoText() {
		ObservationRegistry registry = registry(false);
		SimpleVectorStore store = SimpleVectorStore.builder(new ObservedEmbeddingModel(registry))
			.observationRegistry(registry)
			.build();
		store.add(List.of(new Document("secret-document-118")));
		this.exporter.reset();
		try (FallomTrace.Scope scope = new FallomTrace().withSession("rag", "session-5")) {
			store.similaritySearch(SearchRequest.builder().query("secret-query-227").topK(3).build());
		}
		List<SpanData> spans = this.exporter.getFinishedSpanItems();
		SpanData query = spans.stream().filter((span) -> span.getName().contains("query")).findFirst().orElseThrow();
		assertThat(query.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("simple");
		assertThat(query.getAttributes().get(AttributeKey.longKey("db.vector.query.top_k"))).isEqualTo(3L);
		SpanData embedding = spans.stream()
			.filter((span) -> span.getName().startsWith("embeddings"))
			.findFirst()
			.orElseThrow();
		assertThat(embedding.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(7L);
		assertThat(embedding.getAttributes().get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("test-embedding");
		assertThat(spans).allSatisfy((span) -> {
			assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.session_id"))).isEqualTo("session-5");
			assertThat(span.getAttributes().toString()).doesNotContain("secret-query-227")
				.doesNotContain("secret-document-118");
		});
	}

	@Test
	void contentCaptureOnSendsTheQueryText() {
		ObservationRegistry registry = registry(true);
		SimpleVectorStore store = SimpleVectorStore.builder(new ObservedEmbeddingModel(registry))
			.observationRegistry(registry)
			.build();
		store.similaritySearch(SearchRequest.builder().query("visible-query").topK(2).build());
		assertThat(this.exporter.getFinishedSpanItems()).anySatisfy((span) -> assertThat(
				span.getAttributes().get(AttributeKey.stringKey("db.vector.query.content")))
			.isEqualTo("visible-query"));
	}

	/**
	 * Observes its calls as Spring AI's embedding models do.
	 */
	static class ObservedEmbeddingModel implements EmbeddingModel {

		private final ObservationRegistry registry;

		ObservedEmbeddingModel(ObservationRegistry registry) {
			this.registry = registry;
		}

		@Override
		public EmbeddingResponse call(EmbeddingRequest request) {
			EmbeddingRequest withModel = new EmbeddingRequest(request.getInstructions(),
					EmbeddingOptions.builder().model("test-embedding").build());
			EmbeddingModelObservationContext context = EmbeddingModelObservationContext.builder()
				.embeddingRequest(withModel)
				.provider("test")
				.build();
			return EmbeddingModelObservationDocumentation.EMBEDDING_MODEL_OPERATION
				.observation(null, new DefaultEmbeddingModelObservationConvention(), () -> context, this.registry)
				.observe(() -> {
					List<Embedding> embeddings = new ArrayList<>();
					for (int i = 0; i < request.getInstructions().size(); i++) {
						embeddings.add(new Embedding(new float[] { 1f, 0f, (float) i }, i));
					}
					EmbeddingResponse response = new EmbeddingResponse(embeddings,
							new EmbeddingResponseMetadata("test-embedding", new DefaultUsage(7, 0)));
					context.setResponse(response);
					return response;
				});
		}

		@Override
		public float[] embed(Document document) {
			return call(new EmbeddingRequest(List.of(document.getText()), null)).getResult().getOutput();
		}

	}

}
