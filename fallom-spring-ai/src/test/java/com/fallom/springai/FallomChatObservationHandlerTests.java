package com.fallom.springai;

import java.time.Duration;
import java.util.List;

import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomChatObservationHandler} with Fallom's private pipeline exporting
 * to memory.
 */
class FallomChatObservationHandlerTests {

	private final InMemorySpanExporter spans = InMemorySpanExporter.create();

	private FallomTraceExporter exporter;

	@AfterEach
	void stop() {
		FallomSessionHolder.clear();
		if (this.exporter != null) {
			this.exporter.stop();
		}
	}

	private ObservedChatModel model(boolean captureContent) {
		this.exporter = new FallomTraceExporter(this.spans, Resource.getDefault(),
				new FallomTraceExporter.Settings(100, 1 << 20, 10, Duration.ofSeconds(1), Duration.ofSeconds(1)));
		this.exporter.start();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.exporter.getTracer(), captureContent));
		return new ObservedChatModel(registry);
	}

	private static Prompt prompt(Message... messages) {
		return new Prompt(List.of(messages), ChatOptions.builder().model("gpt-4o").build());
	}

	private SpanData onlySpan() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.spans.getFinishedSpanItems().size() == 1);
		return this.spans.getFinishedSpanItems().get(0);
	}

	private static String string(SpanData span, String key) {
		return span.getAttributes().get(AttributeKey.stringKey(key));
	}

	private static Long number(SpanData span, String key) {
		return span.getAttributes().get(AttributeKey.longKey(key));
	}

	@Test
	void callBecomesAClientSpanWithGenAiAttributesTokensAndSession() {
		ObservedChatModel model = model(true);
		FallomSessionHolder.setIfChanged("support", "user-1", 3, 1, "gpt-4o");
		model.call(prompt(new SystemMessage("Be brief"), new UserMessage("What is 2+2?")));
		SpanData span = onlySpan();
		assertThat(span.getName()).isEqualTo("chat gpt-4o");
		assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
		assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo(FallomTraceExporter.INSTRUMENTATION_SCOPE);
		assertThat(string(span, "gen_ai.system")).isEqualTo("openai");
		assertThat(string(span, "gen_ai.request.model")).isEqualTo("gpt-4o");
		assertThat(string(span, "gen_ai.response.model")).isEqualTo(ObservedChatModel.RESPONSE_MODEL);
		assertThat(number(span, "gen_ai.usage.input_tokens")).isEqualTo(12);
		assertThat(number(span, "gen_ai.usage.prompt_tokens")).isEqualTo(12);
		assertThat(number(span, "gen_ai.usage.output_tokens")).isEqualTo(34);
		assertThat(number(span, "gen_ai.usage.completion_tokens")).isEqualTo(34);
		assertThat(string(span, "fallom.config_key")).isEqualTo("support");
		assertThat(string(span, "fallom.session_id")).isEqualTo("user-1");
		assertThat(string(span, "fallom.config_version")).isEqualTo("3");
		assertThat(string(span, "fallom.variant")).isEqualTo("1");
		assertThat(string(span, "gen_ai.prompt.0.role")).isEqualTo("system");
		assertThat(string(span, "gen_ai.prompt.0.content")).isEqualTo("Be brief");
		assertThat(string(span, "gen_ai.prompt.1.role")).isEqualTo("user");
		assertThat(string(span, "gen_ai.prompt.1.content")).isEqualTo("What is 2+2?");
		assertThat(string(span, "gen_ai.completion.0.role")).isEqualTo("assistant");
		assertThat(string(span, "gen_ai.completion.0.content")).isEqualTo("Hello from the model");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(span.getEndEpochNanos()).isGreaterThan(span.getStartEpochNanos());
	}

	@Test
	void sessionSetWithoutAssignmentHasNoVersionOrVariant() {
		ObservedChatModel model = model(true);
		new FallomTrace().setSession("support", "user-1");
		model.call(prompt(new UserMessage("hi")));
		SpanData span = onlySpan();
		assertThat(string(span, "fallom.config_key")).isEqualTo("support");
		assertThat(span.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
			.doesNotContain("fallom.config_version", "fallom.variant");
	}

	@Test
	void streamedCallBecomesOneSpanWithTheAggregatedCompletion() {
		ObservedChatModel model = model(true).answering("The answer is forty-two");
		FallomSessionHolder.setIfChanged("support", "user-2", 1, 0, "gpt-4o");
		List<String> pieces = model.stream(prompt(new UserMessage("Tell me")))
			.map((response) -> response.getResult().getOutput().getText())
			.collectList()
			.block(Duration.ofSeconds(5));
		assertThat(pieces).hasSizeGreaterThan(2);
		SpanData span = onlySpan();
		assertThat(string(span, "gen_ai.completion.0.content")).isEqualTo("The answer is forty-two");
		assertThat(span.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
			.noneMatch((key) -> key.startsWith("gen_ai.completion.1."));
		assertThat(number(span, "gen_ai.usage.output_tokens")).isEqualTo(34);
		assertThat(string(span, "fallom.session_id")).isEqualTo("user-2");
		assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
	}

	@Test
	void failedCallBecomesAnErrorSpanWithTypeAndMessage() {
		ObservedChatModel model = model(true).failingWith(new IllegalStateException("rate limited"));
		assertThatIllegalStateException().isThrownBy(() -> model.call(prompt(new UserMessage("hi"))));
		SpanData span = onlySpan();
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(span.getStatus().getDescription()).isEqualTo("java.lang.IllegalStateException: rate limited");
		assertThat(string(span, "error.type")).isEqualTo("java.lang.IllegalStateException");
	}

	@Test
	void failedStreamBecomesAnErrorSpan() {
		ObservedChatModel model = model(true).failingWith(new IllegalStateException("stream broke"));
		model.stream(prompt(new UserMessage("hi"))).onErrorComplete().blockLast(Duration.ofSeconds(5));
		assertThat(onlySpan().getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
	}

	@Test
	void privacyModeKeepsModelsTokensAndSessionButNoContentNotEvenInErrors() {
		ObservedChatModel model = model(false)
			.callingTools(List.of(new AssistantMessage.ToolCall("c1", "function", "lookup", "{\"q\":\"secret\"}")));
		FallomSessionHolder.setIfChanged("support", "user-3", 2, 0, "gpt-4o");
		model.call(prompt(new UserMessage("secret prompt"), toolResult("secret tool result")));
		SpanData span = onlySpan();
		assertThat(string(span, "gen_ai.request.model")).isEqualTo("gpt-4o");
		assertThat(number(span, "gen_ai.usage.input_tokens")).isEqualTo(12);
		assertThat(string(span, "fallom.session_id")).isEqualTo("user-3");
		assertThat(span.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
			.noneMatch((key) -> key.startsWith("gen_ai.prompt.") || key.startsWith("gen_ai.completion."));
		this.spans.reset();
		model.failingWith(new IllegalArgumentException("Prompt 'secret prompt' is too long"));
		try {
			model.call(prompt(new UserMessage("secret prompt")));
		}
		catch (IllegalArgumentException expected) {
			// the span is what this test is about
		}
		SpanData failed = onlySpan();
		assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(failed.getStatus().getDescription()).isEqualTo("java.lang.IllegalArgumentException");
	}

	@Test
	void toolCallsAndToolResultsAreCapturedAsContent() {
		ObservedChatModel model = model(true)
			.callingTools(List.of(new AssistantMessage.ToolCall("c1", "function", "lookup", "{\"q\":\"weather\"}")));
		model.call(prompt(new UserMessage("Weather?"), toolResult("sunny")));
		SpanData span = onlySpan();
		assertThat(string(span, "gen_ai.prompt.1.role")).isEqualTo("tool");
		assertThat(string(span, "gen_ai.prompt.1.content")).isEqualTo("sunny");
		assertThat(string(span, "gen_ai.prompt.1.tool_call_id")).isEqualTo("c1");
		assertThat(string(span, "gen_ai.completion.0.tool_calls.0.name")).isEqualTo("lookup");
		assertThat(string(span, "gen_ai.completion.0.tool_calls.0.arguments")).isEqualTo("{\"q\":\"weather\"}");
	}

	@Test
	void parentIsTheCurrentApplicationSpanEvenWhenItIsNotSampled() {
		ObservedChatModel model = model(true);
		SpanContext unsampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getDefault(), TraceState.getDefault());
		try (Scope scope = Span.wrap(unsampled).makeCurrent()) {
			model.call(prompt(new UserMessage("hi")));
		}
		SpanData span = onlySpan();
		assertThat(span.getTraceId()).isEqualTo(unsampled.getTraceId());
		assertThat(span.getParentSpanId()).isEqualTo(unsampled.getSpanId());
		assertThat(span.getSpanContext().isSampled()).isTrue();
	}

	@Test
	void callWithoutSessionOrParentIsARootSpanWithoutFallomAttributes() {
		ObservedChatModel model = model(true);
		model.call(prompt(new UserMessage("hi")));
		SpanData span = onlySpan();
		assertThat(span.getParentSpanContext().isValid()).isFalse();
		assertThat(span.getAttributes().get(AttributeKey.stringKey("fallom.config_key"))).isNull();
		assertThat(span.getResource().getAttributes()).isNotEqualTo(Attributes.empty());
	}

	private static ToolResponseMessage toolResult(String data) {
		return ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse("c1", "lookup", data)))
			.build();
	}

	@Test
	void streamedCallWithoutPropagatedContextNestsUnderTheParentObservationsSpan() {
		InMemorySpanExporter appSpans = InMemorySpanExporter.create();
		SdkTracerProvider appProvider = SdkTracerProvider.builder()
			.addSpanProcessor(SimpleSpanProcessor.create(appSpans))
			.build();
		try {
			OtelTracer appTracer = new OtelTracer(appProvider.get("app"), new OtelCurrentTraceContext(), (event) -> {
			});
			this.exporter = new FallomTraceExporter(this.spans, Resource.getDefault(),
					new FallomTraceExporter.Settings(100, 1 << 20, 10, Duration.ofSeconds(1), Duration.ofSeconds(1)));
			this.exporter.start();
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new DefaultTracingObservationHandler(appTracer))
				.observationHandler(new FallomChatObservationHandler(this.exporter.getTracer(), false));
			// The request's observation is started but never opened on this thread: no
			// OpenTelemetry context is current when the chat call starts.
			Observation request = Observation.start("request", registry);
			new ObservedChatModel(registry).stream(prompt(new UserMessage("hi")))
				.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, request))
				.blockLast(Duration.ofSeconds(5));
			request.stop();
			SpanData chat = onlySpan();
			SpanData requestSpan = appSpans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getName().equals("request"))
				.findFirst()
				.orElseThrow();
			assertThat(chat.getTraceId()).isEqualTo(requestSpan.getTraceId());
			assertThat(chat.getParentSpanId()).isEqualTo(requestSpan.getSpanId());
		}
		finally {
			appProvider.close();
		}
	}

	@Test
	void aFailureInsideTheHandlerNeverReachesTheChatCall() {
		ObservationRegistry registry = ObservationRegistry.create();
		Tracer broken = (name) -> {
			throw new IllegalStateException("tracer broken");
		};
		registry.observationConfig().observationHandler(new FallomChatObservationHandler(broken, true));
		ChatResponse response = new ObservedChatModel(registry).call(prompt(new UserMessage("hi")));
		assertThat(response.getResult().getOutput().getText()).isNotEmpty();
	}

}
