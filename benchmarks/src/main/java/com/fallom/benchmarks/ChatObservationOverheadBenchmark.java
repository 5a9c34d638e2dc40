package com.fallom.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.FallomChatObservationHandler;
import com.fallom.springai.FallomSessionObservationHandler;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Cost per Spring AI chat call of Fallom's tracing: the session tagging handler, the
 * export handler and the export path (a span of the private tracer provider, queued and
 * exported by the background thread to a no-op exporter, so that the network is not
 * measured). The chat call is instrumented as Spring AI's provider models do and answers
 * at once. Compare {@code withFallom*} with {@code withoutFallom}, where the application
 * observes its calls with a handler of its own; {@code withoutAnyHandler} is a registry
 * without handlers, where Spring AI's observation costs nearly nothing. Run with
 * {@code -prof gc} for B/op (which counts every thread, the exporting one too).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ChatObservationOverheadBenchmark {

	private static final ChatModelObservationConvention CONVENTION = new DefaultChatModelObservationConvention();

	/** Whether Fallom records prompts and completions. */
	@Param({ "false", "true" })
	public boolean captureContent;

	private ObservationRegistry bare;

	private ObservationRegistry withoutFallom;

	private ObservationRegistry withFallom;

	private FallomTraceExporter exporter;

	private Prompt prompt;

	private ChatResponse response;

	@Setup(Level.Trial)
	public void setUp() {
		this.prompt = new Prompt(List.of(new SystemMessage("You are a helpful assistant."),
				new UserMessage("Summarise the attached ticket in one sentence.")),
				ChatOptions.builder().model("gpt-4o").build());
		this.response = new ChatResponse(
				List.of(new Generation(new AssistantMessage("The customer cannot log in since the update."))),
				ChatResponseMetadata.builder()
					.model("gpt-4o-2024-08-06")
					.usage(new DefaultUsage(42, 12))
					.build());
		this.bare = ObservationRegistry.create();
		this.withoutFallom = ObservationRegistry.create();
		this.withoutFallom.observationConfig().observationHandler(new ApplicationHandler());
		// Large enough that the background thread, not drops, keeps the queue short.
		this.exporter = new FallomTraceExporter(new NoopSpanExporter(), Resource.getDefault(),
				new FallomTraceExporter.Settings(65_536, 256L << 20, 512, Duration.ofSeconds(1),
						Duration.ofSeconds(1)));
		this.exporter.start();
		this.withFallom = ObservationRegistry.create();
		this.withFallom.observationConfig()
			.observationHandler(new ApplicationHandler())
			.observationHandler(new FallomSessionObservationHandler(List.of(ChatModelObservationContext.class)))
			.observationHandler(new FallomChatObservationHandler(this.exporter.getTracer(), this.captureContent));
		FallomSessionHolder.setIfChanged("support", "user24204-convo67097", 3, 1, "gpt-4o");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.exporter.stop();
		FallomSessionHolder.clear();
	}

	@Benchmark
	public ChatResponse withoutAnyHandler() {
		return call(this.bare);
	}

	@Benchmark
	public ChatResponse withoutFallom() {
		return call(this.withoutFallom);
	}

	@Benchmark
	public ChatResponse withFallom() {
		return call(this.withFallom);
	}

	private ChatResponse call(ObservationRegistry registry) {
		ChatModelObservationContext context = ChatModelObservationContext.builder()
			.prompt(this.prompt)
			.provider("openai")
			.build();
		return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
			.observation(null, CONVENTION, () -> context, registry)
			.observe(() -> {
				context.setResponse(this.response);
				return this.response;
			});
	}

	/**
	 * Stands for what an application observes with anyway, so that the observation itself
	 * is not counted as Fallom's.
	 */
	static final class ApplicationHandler implements ObservationHandler<Observation.Context> {

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	static final class NoopSpanExporter implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
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
