package com.fallom.langchain4j;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import com.fallom.Fallom;
import com.fallom.internal.Arguments;
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
 * <p>
 * LangChain4j gives those times as local wall-clock times of the system time zone. They
 * are turned back into instants against the instant the execution is reported, so a
 * span that starts or ends in the repeated hour of a daylight-saving change keeps its
 * real times (not one an hour off, or an end before its start).
 */
public final class FallomToolExecutionListener implements Consumer<ToolExecution> {

	private final Tracer tracer;

	private final boolean captureContent;

	private final int maxContentLength;

	// Null for the system's: its zone read at each call, as LangChain4j's LocalDateTime.now() does
	private final @Nullable Clock clock;

	/**
	 * Create a listener.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the tool's arguments and result
	 */
	public FallomToolExecutionListener(Tracer tracer, boolean captureContent) {
		this(tracer, captureContent, GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH);
	}

	/**
	 * Create a listener.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the tool's arguments and result
	 * @param maxContentLength the most characters of the arguments and of the result
	 */
	public FallomToolExecutionListener(Tracer tracer, boolean captureContent, int maxContentLength) {
		this(tracer, captureContent, maxContentLength, null);
	}

	/**
	 * Create a listener that reads the instant and time zone of a clock.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record the tool's arguments and result
	 * @param clock the clock whose zone LangChain4j's local times are in, normally the
	 * system default zone's
	 */
	public FallomToolExecutionListener(Tracer tracer, boolean captureContent, Clock clock) {
		this(tracer, captureContent, GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH,
				Objects.requireNonNull(clock, "clock must not be null"));
	}

	private FallomToolExecutionListener(Tracer tracer, boolean captureContent, int maxContentLength,
			@Nullable Clock clock) {
		Arguments.isTrue(maxContentLength > 0, "'maxContentLength' must be positive");
		this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
		this.captureContent = captureContent;
		this.maxContentLength = maxContentLength;
		this.clock = clock;
	}

	/**
	 * Create a listener that exports to a Fallom engine's tracer and follows its content
	 * capture setting.
	 * @param fallom the engine
	 * @return the listener
	 */
	public static FallomToolExecutionListener create(Fallom fallom) {
		Objects.requireNonNull(fallom, "fallom must not be null");
		return new FallomToolExecutionListener(fallom.tracer(), fallom.isCaptureContent(),
				fallom.getMaxContentLength());
	}

	@Override
	public void accept(ToolExecution execution) {
		Instant now = (this.clock != null) ? this.clock.instant() : Instant.now();
		Instant end = instantBefore(execution.finishTime(), now);
		Instant start = instantBefore(execution.startTime(), end);
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
		GenAiAttributes.Content content = this.captureContent
				? GenAiAttributes.content(span, this.maxContentLength) : null;
		if (content != null) {
			if (request.arguments() != null) {
				content.text(GenAiAttributes.TOOL_ARGUMENTS, request.arguments());
			}
			String result = result(execution);
			if (result != null) {
				content.text(GenAiAttributes.TOOL_RESULT, result);
			}
		}
		if (execution.hasFailed()) {
			span.setAttribute(GenAiAttributes.ERROR_TYPE, "tool_error");
			// The failure's text is the tool's result, which may quote user data
			String result = (content != null) ? result(execution) : null;
			span.setStatus(StatusCode.ERROR, (result != null) ? content.cap(result) : "tool_error");
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

	/**
	 * Return the instant of a local time of the clock's zone that is the latest not after
	 * a reference instant: a time in the repeated hour of a daylight-saving change has two
	 * instants, and the finish is just before the report, the start before the finish.
	 * @param time the local time, or {@code null} for the reference itself
	 * @param reference the instant the time cannot be after
	 */
	private Instant instantBefore(@Nullable LocalDateTime time, Instant reference) {
		if (time == null) {
			return reference;
		}
		ZoneId zone = (this.clock != null) ? this.clock.getZone() : ZoneId.systemDefault();
		List<ZoneOffset> offsets = zone.getRules().getValidOffsets(time);
		if (offsets.isEmpty()) {
			// A time in the skipped hour: LocalDateTime.now() never gives one, but another
			// zone's clock could.
			return time.atZone(zone).toInstant();
		}
		Instant best = null;
		Instant earliest = null;
		for (ZoneOffset offset : offsets) {
			Instant candidate = time.toInstant(offset);
			if (!candidate.isAfter(reference) && (best == null || candidate.isAfter(best))) {
				best = candidate;
			}
			if (earliest == null || candidate.isBefore(earliest)) {
				earliest = candidate;
			}
		}
		// None before the reference (a clock that went back): the nearest after it.
		return (best != null) ? best : earliest;
	}

}
