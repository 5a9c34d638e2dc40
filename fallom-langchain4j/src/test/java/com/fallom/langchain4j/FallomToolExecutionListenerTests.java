package com.fallom.langchain4j;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the span times of {@link FallomToolExecutionListener} in a time zone with
 * daylight saving time.
 */
class FallomToolExecutionListenerTests {

	private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

	private final List<SpanData> spans = new CopyOnWriteArrayList<>();

	private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
		.addSpanProcessor(SimpleSpanProcessor.create(new Collecting(this.spans)))
		.build();

	private TimeZone defaultZone;

	@BeforeEach
	void newYork() {
		this.defaultZone = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone(NEW_YORK));
	}

	@AfterEach
	void restore() {
		TimeZone.setDefault(this.defaultZone);
		this.tracerProvider.close();
	}

	@Test
	void toolRunAcrossTheEndOfDaylightSavingTimeHasItsRealTimes() {
		// 2026-11-01 at 02:00 EDT New York turns back to 01:00 EST: the tool starts in the
		// first 01:59 and ends in the second 01:00, 300 ms later.
		Instant start = Instant.parse("2026-11-01T05:59:59.900Z");
		Instant end = Instant.parse("2026-11-01T06:00:00.200Z");
		Clock reported = Clock.fixed(end.plusMillis(5), ZoneId.systemDefault());
		listener(reported).accept(execution(start, end));
		assertThat(this.spans).singleElement().satisfies((span) -> {
			assertThat(instant(span.getStartEpochNanos())).isEqualTo(start);
			assertThat(instant(span.getEndEpochNanos())).isEqualTo(end);
		});
	}

	@Test
	void toolRunInTheRepeatedHourHasItsRealTimes() {
		// Both times in the second 01:30 of the day: the first would put the span an hour early.
		Instant start = Instant.parse("2026-11-01T06:30:00Z");
		Instant end = Instant.parse("2026-11-01T06:30:01.250Z");
		listener(Clock.fixed(end, ZoneId.systemDefault())).accept(execution(start, end));
		assertThat(this.spans).singleElement().satisfies((span) -> {
			assertThat(instant(span.getStartEpochNanos())).isEqualTo(start);
			assertThat(instant(span.getEndEpochNanos())).isEqualTo(end);
		});
	}

	@Test
	void systemClockListenerGivesTheInstantsOfLangChain4jsLocalTimes() {
		Instant end = Instant.now().minusMillis(3);
		Instant start = end.minusMillis(40);
		new FallomToolExecutionListener(this.tracerProvider.get("test"), false).accept(execution(start, end));
		assertThat(this.spans).singleElement().satisfies((span) -> {
			assertThat(instant(span.getStartEpochNanos())).isEqualTo(start);
			assertThat(instant(span.getEndEpochNanos())).isEqualTo(end);
		});
	}

	private FallomToolExecutionListener listener(Clock clock) {
		return new FallomToolExecutionListener(this.tracerProvider.get("test"), false, clock);
	}

	/**
	 * An execution as LangChain4j reports it: local times of the default zone, as
	 * {@code LocalDateTime.now()} gives them.
	 */
	private static ToolExecution execution(Instant start, Instant end) {
		return ToolExecution.builder()
			.request(ToolExecutionRequest.builder().id("call-1").name("orderStatus").arguments("{}").build())
			.result(ToolExecutionResult.builder().resultText("in transit").build())
			.startTime(LocalDateTime.ofInstant(start, ZoneId.systemDefault()))
			.finishTime(LocalDateTime.ofInstant(end, ZoneId.systemDefault()))
			.invocationContext(InvocationContext.builder().interfaceName("Assistant").methodName("chat").build())
			.build();
	}

	private static Instant instant(long epochNanos) {
		return Instant.ofEpochSecond(0, epochNanos);
	}

	private record Collecting(List<SpanData> spans) implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> batch) {
			this.spans.addAll(batch);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
