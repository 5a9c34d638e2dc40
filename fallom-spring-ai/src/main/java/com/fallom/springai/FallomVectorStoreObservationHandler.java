package com.fallom.springai;

import java.util.Set;

import com.fallom.tracing.internal.GenAiAttributes;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.jspecify.annotations.Nullable;

/**
 * Exports every vector store query Spring AI observes as a span of Fallom's private
 * tracer: the store, operation, collection, top-k, duration, error and the session; the
 * query text and filter only when content capture is on, the returned documents never.
 * It reads Spring AI's vector store key-values rather than its context type, so it needs
 * no vector store on the class path.
 */
public class FallomVectorStoreObservationHandler extends FallomSpanObservationHandler<Observation.Context> {

	private static final String CONTEXT_TYPE = "org.springframework.ai.vectorstore.observation.VectorStoreObservationContext";

	/** Spring AI's vector store context type, or {@code null} when not visible from here. */
	private static final @Nullable Class<?> resolvedContextType = resolveContextType();

	private static final Set<String> METADATA = Set.of("db.system", "db.operation.name", "db.collection.name",
			"db.namespace", "db.vector.query.top_k", "db.vector.query.similarity_threshold",
			"db.vector.dimension_count", "db.vector.query.similarity_metric", "db.vector.field_name");

	private static final Set<String> CONTENT = Set.of("db.vector.query.content", "db.vector.query.filter");

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the query text and filter
	 */
	public FallomVectorStoreObservationHandler(Tracer tracer, boolean captureContent) {
		super(tracer, captureContent);
	}

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the query text and filter
	 * @param maxContentLength the most characters of the query text and of the filter
	 */
	public FallomVectorStoreObservationHandler(Tracer tracer, boolean captureContent, int maxContentLength) {
		super(tracer, captureContent, maxContentLength);
	}

	private static @Nullable Class<?> resolveContextType() {
		try {
			return Class.forName(CONTEXT_TYPE, false, FallomVectorStoreObservationHandler.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// No vector store here: the contexts' type names are compared instead
			return null;
		}
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		// Asked of every observation (HTTP requests included): one type check when the
		// vector store is visible from here, which is the usual case
		Class<?> contextType = resolvedContextType;
		if (contextType != null) {
			return contextType.isInstance(context);
		}
		for (Class<?> type = context.getClass(); type != null; type = type.getSuperclass()) {
			if (CONTEXT_TYPE.equals(type.getName())) {
				return true;
			}
		}
		return false;
	}

	@Override
	String spanName(Observation.Context context) {
		return "vector_store";
	}

	@Override
	SpanKind spanKind(Observation.Context context) {
		return SpanKind.CLIENT;
	}

	@Override
	@Nullable String stoppedName(Observation.Context context) {
		KeyValue operation = context.getLowCardinalityKeyValue("db.operation.name");
		KeyValue system = context.getLowCardinalityKeyValue("db.system");
		if (operation == null || system == null) {
			return null;
		}
		return system.getValue() + " " + operation.getValue();
	}

	@Override
	void started(Observation.Context context, Span span) {
		span.setAttribute(GenAiAttributes.OPERATION_NAME, "vector_store");
	}

	@Override
	void stopped(Observation.Context context, Span span) {
		for (KeyValue keyValue : context.getAllKeyValues()) {
			String key = keyValue.getKey();
			if (isCaptureContent() && CONTENT.contains(key)) {
				content(context, span).text(AttributeKey.stringKey(key), keyValue.getValue());
			}
			else if (METADATA.contains(key)) {
				if (key.equals("db.vector.query.top_k") || key.equals("db.vector.dimension_count")) {
					try {
						span.setAttribute(key, Long.parseLong(keyValue.getValue()));
						continue;
					}
					catch (NumberFormatException ex) {
						// Not a number after all: keep it as text.
					}
				}
				span.setAttribute(key, keyValue.getValue());
			}
		}
	}

}
