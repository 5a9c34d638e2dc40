package com.fallom.langchain4j;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.Consumer;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.SpanCalls;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.ToolExecution;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * Exports every tool execution of a LangChain4j {@code AiServices} service as an
 * {@code execute_tool} span of Fallom's private tracer: tool name, call id, start and
 * end, failure, the Fallom session, and the arguments and result only when content
 * capture is on. Register it as the service's after-tool-execution callback:
 * <pre class="code">
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .tools(new OrderTools())
 *     .afterToolExecution(FallomToolExecutionListener.create(fallom))
 *     .build();
 * </pre>
 * LangChain4j reports a tool execution once it has ended, with its start and finish
 * times; the span is made then, with those times, as a child of the current
 * OpenTelemetry span of the thread that ran the tool, beside the chat spans of the same
 * call. So the tool's own spans, if it makes any, are not its children. Needs
 * {@code dev.langchain4j:langchain4j}, where {@code AiServices} lives.
 */
public final class FallomToolExecutionListener implements Consumer<ToolExecution> {

	private final Tracer tracer;

	private final boolean captureContent;

	/**
	 * Create a listener.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the tool's arguments and result
	 */
	public FallomToolExecutionListener(Tracer tracer, boolean captureContent) {
		this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
		this.captureContent = captureContent;
	}

	/**
	 * Create a listener that exports to a Fallom engine's tracer and follows its content
	 * capture setting.
	 * @param fallom the engine
	 * @return the listener
	 */
	public static FallomToolExecutionListener create(Fallom fallom) {
		Objects.requireNonNull(fallom, "fallom must not be null");
		return new FallomToolExecutionListener(fallom.tracer(), fallom.isCaptureContent());
	}

	@Override
	public void accept(ToolExecution execution) {
		Instant end = instant(execution.finishTime(), Instant.now());
		Instant start = instant(execution.startTime(), end);
		ToolExecutionRequest request = execution.request();
		Span span = this.tracer.spanBuilder("execute_tool " + request.name())
			.setParent(Context.current())
			.setSpanKind(SpanKind.INTERNAL)
			.setStartTimestamp(start)
			.startSpan();
		span.setAttribute(GenAiAttributes.OPERATION_NAME, "execute_tool");
		span.setAttribute(SpanCalls.INTEGRATION, "langchain4j");
		span.setAttribute(GenAiAttributes.TOOL_NAME, request.name());
		span.setAttribute(GenAiAttributes.TOOL_TYPE, "function");
		if (request.id() != null) {
			span.setAttribute(GenAiAttributes.TOOL_CALL_ID, request.id());
		}
		FallomSessionContext session = FallomSessionHolder.get();
		if (session != null) {
			FallomSpanProcessor.tag(span, session);
		}
		if (this.captureContent) {
			if (request.arguments() != null) {
				span.setAttribute(GenAiAttributes.TOOL_ARGUMENTS, request.arguments());
			}
			String result = result(execution);
			if (result != null) {
				span.setAttribute(GenAiAttributes.TOOL_RESULT, result);
			}
		}
		if (execution.hasFailed()) {
			span.setAttribute(GenAiAttributes.ERROR_TYPE, "tool_error");
			// The failure's text is the tool's result, which may quote user data
			String result = this.captureContent ? result(execution) : null;
			span.setStatus(StatusCode.ERROR, (result != null) ? result : "tool_error");
		}
		span.end(end);
	}

	private static @Nullable String result(ToolExecution execution) {
		try {
			return execution.result();
		}
		catch (RuntimeException ex) {
			// A result of several or non-text contents has no single text
			return null;
		}
	}

	private static Instant instant(@Nullable LocalDateTime time, Instant otherwise) {
		// LangChain4j records local wall-clock times; the zone turns them back into instants
		return (time != null) ? time.atZone(ZoneId.systemDefault()).toInstant() : otherwise;
	}

}
