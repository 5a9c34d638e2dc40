package com.fallom.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fallom.benchmarks.ChatObservationOverheadBenchmark.NoopSpanExporter;
import com.fallom.langchain4j.FallomChatModelListener;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTraceExporter;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.opentelemetry.sdk.resources.Resource;
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

/**
 * Cost per LangChain4j chat call of {@link FallomChatModelListener}: a span of the
 * private tracer provider with the GenAI and session attributes, queued and exported by
 * the background thread to a no-op exporter, so that the network is not measured. The
 * model answers at once. Compare {@code withFallom} with {@code withoutFallom}, where the
 * model has a listener of the application's own, so that LangChain4j's listener
 * machinery is not counted as Fallom's; {@code withoutListeners} has none. Run with
 * {@code -prof gc} for B/op (which counts every thread, the exporting one too).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class LangChain4jListenerOverheadBenchmark {

	/** Whether Fallom records prompts and completions. */
	@Param({ "false", "true" })
	public boolean captureContent;

	private FallomTraceExporter exporter;

	private ChatRequest request;

	private ChatModel withoutListeners;

	private ChatModel withoutFallom;

	private ChatModel withFallom;

	@Setup(Level.Trial)
	public void setUp() {
		this.request = ChatRequest.builder()
			.messages(SystemMessage.from("You are a helpful assistant."),
					UserMessage.from("Summarise the attached ticket in one sentence."))
			.modelName("gpt-4o")
			.build();
		ChatResponse response = ChatResponse.builder()
			.aiMessage(AiMessage.from("The customer cannot log in since the update."))
			.id("chatcmpl-1")
			.modelName("gpt-4o-2024-08-06")
			.tokenUsage(new TokenUsage(42, 12))
			.finishReason(FinishReason.STOP)
			.build();
		// Large enough that the background thread, not drops, keeps the queue short.
		this.exporter = new FallomTraceExporter(new NoopSpanExporter(), Resource.getDefault(),
				new FallomTraceExporter.Settings(65_536, 256L << 20, 512, Duration.ofSeconds(1),
						Duration.ofSeconds(1)));
		this.exporter.start();
		ChatModelListener application = new ChatModelListener() {
		};
		this.withoutListeners = new InstantModel(response, List.of());
		this.withoutFallom = new InstantModel(response, List.of(application));
		this.withFallom = new InstantModel(response,
				List.of(application, new FallomChatModelListener(this.exporter.getTracer(), this.captureContent)));
		FallomSessionHolder.setIfChanged("support", "user24204-convo67097", 3, 1, "gpt-4o");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.exporter.stop();
		FallomSessionHolder.clear();
	}

	@Benchmark
	public ChatResponse withoutListeners() {
		return this.withoutListeners.chat(this.request);
	}

	@Benchmark
	public ChatResponse withoutFallom() {
		return this.withoutFallom.chat(this.request);
	}

	@Benchmark
	public ChatResponse withFallom() {
		return this.withFallom.chat(this.request);
	}

	/**
	 * A model that answers at once, with LangChain4j's own call path around it.
	 */
	static final class InstantModel implements ChatModel {

		private final ChatResponse response;

		private final List<ChatModelListener> listeners;

		InstantModel(ChatResponse response, List<ChatModelListener> listeners) {
			this.response = response;
			this.listeners = listeners;
		}

		@Override
		public ChatResponse doChat(ChatRequest chatRequest) {
			return this.response;
		}

		@Override
		public List<ChatModelListener> listeners() {
			return this.listeners;
		}

		@Override
		public ModelProvider provider() {
			return ModelProvider.OPEN_AI;
		}

	}

}
