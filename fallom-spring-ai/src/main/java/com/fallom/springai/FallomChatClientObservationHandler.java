package com.fallom.springai;

import com.fallom.tracing.internal.GenAiAttributes;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.advisor.observation.AdvisorObservationContext;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;

/**
 * Exports the {@code ChatClient} call around an agent run, and each advisor it runs, as
 * spans of Fallom's private tracer, so that the chat, tool and retrieval spans of one run
 * nest under one root: the client call's span ({@code chat_client}, whether it streamed,
 * the session) and one span per advisor ({@code spring.ai.advisor.name}, order). Never
 * prompt or response text: the chat spans carry those, with content capture on.
 */
public class FallomChatClientObservationHandler extends FallomSpanObservationHandler<Observation.Context> {

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether error messages may leave
	 */
	public FallomChatClientObservationHandler(Tracer tracer, boolean captureContent) {
		super(tracer, captureContent);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ChatClientObservationContext || context instanceof AdvisorObservationContext;
	}

	@Override
	String spanName(Observation.Context context) {
		if (context instanceof AdvisorObservationContext advisor) {
			return advisor.getAdvisorName();
		}
		return "chat_client";
	}

	@Override
	@Nullable String stoppedName(Observation.Context context) {
		return context.getContextualName();
	}

	@Override
	void started(Observation.Context context, Span span) {
		if (context instanceof ChatClientObservationContext client) {
			span.setAttribute(GenAiAttributes.OPERATION_NAME, "framework");
			span.setAttribute("spring.ai.kind", "chat_client");
			if (client.isStream()) {
				span.setAttribute(GenAiAttributes.IS_STREAMING, true);
			}
		}
		else if (context instanceof AdvisorObservationContext advisor) {
			span.setAttribute(GenAiAttributes.OPERATION_NAME, "framework");
			span.setAttribute("spring.ai.kind", "advisor");
			span.setAttribute("spring.ai.advisor.name", advisor.getAdvisorName());
			span.setAttribute("spring.ai.advisor.order", advisor.getOrder());
		}
	}

	@Override
	void stopped(Observation.Context context, Span span) {
	}

}
