package com.fallom.springai;

import com.fallom.tracing.internal.GenAiAttributes;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * Exports every tool call Spring AI observes (the {@code ChatClient}'s tool-calling
 * advisor runs them) as an {@code execute_tool {name}} span of Fallom's private tracer:
 * tool name, call id, type, duration, error and the session; the arguments and the
 * result only when content capture is on.
 */
public class FallomToolObservationHandler extends FallomSpanObservationHandler<ToolCallingObservationContext> {

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record tool arguments and results
	 */
	public FallomToolObservationHandler(Tracer tracer, boolean captureContent) {
		super(tracer, captureContent);
	}

	/**
	 * Create a handler.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record tool arguments and results
	 * @param maxContentLength the most characters of the arguments and of the result
	 */
	public FallomToolObservationHandler(Tracer tracer, boolean captureContent, int maxContentLength) {
		super(tracer, captureContent, maxContentLength);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ToolCallingObservationContext;
	}

	@Override
	String spanName(ToolCallingObservationContext context) {
		return "execute_tool " + context.getToolDefinition().name();
	}

	@Override
	void started(ToolCallingObservationContext context, Span span) {
		span.setAttribute(GenAiAttributes.OPERATION_NAME, "execute_tool");
		span.setAttribute(GenAiAttributes.TOOL_NAME, context.getToolDefinition().name());
		String callId = context.getToolCallId();
		if (callId != null) {
			span.setAttribute(GenAiAttributes.TOOL_CALL_ID, callId);
		}
		String type = context.getToolType();
		span.setAttribute(GenAiAttributes.TOOL_TYPE, (type != null) ? type : "function");
		if (isCaptureContent() && context.getToolCallArguments() != null) {
			content(context, span).text(GenAiAttributes.TOOL_ARGUMENTS, context.getToolCallArguments());
		}
	}

	@Override
	void stopped(ToolCallingObservationContext context, Span span) {
		if (isCaptureContent() && context.getToolCallResult() != null) {
			content(context, span).text(GenAiAttributes.TOOL_RESULT, context.getToolCallResult());
		}
	}

}
