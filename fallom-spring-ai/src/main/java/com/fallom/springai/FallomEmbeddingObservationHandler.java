package com.fallom.springai;

import com.fallom.tracing.internal.GenAiAttributes;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.util.StringUtils;

/**
 * Exports every embedding call Spring AI observes as an {@code embeddings {model}} span of
 * Fallom's private tracer: provider, models, input tokens, duration, error and the
 * session. Never the embedded text.
 */
public class FallomEmbeddingObservationHandler
		extends FallomSpanObservationHandler<EmbeddingModelObservationContext> {

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether error messages may leave
	 */
	public FallomEmbeddingObservationHandler(Tracer tracer, boolean captureContent) {
		super(tracer, captureContent);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof EmbeddingModelObservationContext;
	}

	@Override
	String spanName(EmbeddingModelObservationContext context) {
		String model = requestModel(context);
		return (model != null) ? "embeddings " + model : "embeddings";
	}

	@Override
	SpanKind spanKind(EmbeddingModelObservationContext context) {
		return SpanKind.CLIENT;
	}

	@Override
	void started(EmbeddingModelObservationContext context, Span span) {
		span.setAttribute(GenAiAttributes.OPERATION_NAME, context.getOperationMetadata().operationType());
		span.setAttribute(GenAiAttributes.SYSTEM, context.getOperationMetadata().provider());
		String model = requestModel(context);
		if (model != null) {
			span.setAttribute(GenAiAttributes.REQUEST_MODEL, model);
		}
	}

	@Override
	void stopped(EmbeddingModelObservationContext context, Span span) {
		EmbeddingResponse response = context.getResponse();
		if (response == null) {
			return;
		}
		String model = response.getMetadata().getModel();
		if (StringUtils.hasText(model)) {
			span.setAttribute(GenAiAttributes.RESPONSE_MODEL, model);
		}
		GenAiSpans.usage(span, response.getMetadata().getUsage());
	}

	private static @Nullable String requestModel(EmbeddingModelObservationContext context) {
		EmbeddingOptions options = context.getRequest().getOptions();
		return (options != null && StringUtils.hasText(options.getModel())) ? options.getModel() : null;
	}

}
