package com.fallom.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fallom.benchmarks.ChatObservationOverheadBenchmark.NoopSpanExporter;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelVariant;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.FallomAdvisor;
import com.fallom.springai.FallomAdvisors;
import com.fallom.springai.FallomToolObservationHandler;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.resources.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.observation.DefaultToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation;

/**
 * What {@link FallomAdvisor} adds to a {@code ChatClient} call (assignment, options copy,
 * message metadata, response context) over the same call without it, with a chat model
 * that answers at once and no observation registry, so only the advisor is measured; and
 * what exporting one tool span costs per tool call (a span of the private tracer
 * provider, queued and exported by the background thread to a no-op exporter) over the
 * same tool observation without Fallom's handler. Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AdvisorOverheadBenchmark {

	private static final ToolCallingObservationConvention TOOL_CONVENTION = new DefaultToolCallingObservationConvention();

	private ChatClient plain;

	private ChatClient advised;

	private ObservationRegistry toolsWithoutFallom;

	private ObservationRegistry toolsWithFallom;

	private FallomTraceExporter exporter;

	private ToolDefinition tool;

	private int session;

	private final String[] sessionIds = new String[1024];

	@Setup(Level.Trial)
	public void setUp() {
		ChatResponse response = new ChatResponse(
				List.of(new Generation(new AssistantMessage("The customer cannot log in since the update."))),
				ChatResponseMetadata.builder().model("gpt-4o").usage(new DefaultUsage(42, 12)).build());
		ChatModel model = new ChatModel() {

			@Override
			public ChatResponse call(Prompt prompt) {
				return response;
			}

			@Override
			public ChatOptions getOptions() {
				return ChatOptions.builder().model("gpt-4o-mini").temperature(0.2).build();
			}

		};
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(new ModelConfig("support", 3,
				List.of(new ModelVariant("gpt-4o", 50), new ModelVariant("claude-3-5-sonnet", 50)),
				ConfigOrigin.BOOTSTRAP)), null);
		FallomAdvisors advisors = new FallomAdvisors(new FallomModels(registry, null, null, List.of()), null);
		this.plain = ChatClient.builder(model).build();
		this.advised = ChatClient.builder(model).defaultAdvisors(advisors.abTest("support")).build();
		for (int i = 0; i < this.sessionIds.length; i++) {
			this.sessionIds[i] = "user" + (i * 7919) + "-convo" + i;
		}
		this.exporter = new FallomTraceExporter(new NoopSpanExporter(), Resource.getDefault(),
				new FallomTraceExporter.Settings(65_536, 256L << 20, 512, Duration.ofSeconds(1),
						Duration.ofSeconds(1)));
		this.exporter.start();
		this.toolsWithoutFallom = ObservationRegistry.create();
		this.toolsWithoutFallom.observationConfig()
			.observationHandler(new ChatObservationOverheadBenchmark.ApplicationHandler());
		this.toolsWithFallom = ObservationRegistry.create();
		this.toolsWithFallom.observationConfig()
			.observationHandler(new ChatObservationOverheadBenchmark.ApplicationHandler())
			.observationHandler(new FallomToolObservationHandler(this.exporter.getTracer(), false));
		this.tool = ToolDefinition.builder()
			.name("orderStatus")
			.description("Look up the status of an order")
			.inputSchema("{\"type\":\"object\"}")
			.build();
		FallomSessionHolder.setIfChanged("support", "user24204-convo67097", 3, 1, "gpt-4o");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.exporter.stop();
		FallomSessionHolder.clear();
	}

	@Benchmark
	public String plainChatClientCall() {
		String sessionId = nextSession();
		return this.plain.prompt()
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, sessionId))
			.user("Summarise the attached ticket in one sentence.")
			.call()
			.content();
	}

	@Benchmark
	public String withFallomAdvisor() {
		String sessionId = nextSession();
		return this.advised.prompt()
			.advisors((a) -> a.param(FallomAdvisor.SESSION_ID, sessionId))
			.user("Summarise the attached ticket in one sentence.")
			.call()
			.content();
	}

	@Benchmark
	public String toolCallWithoutFallom() {
		return toolCall(this.toolsWithoutFallom);
	}

	@Benchmark
	public String toolCallWithFallomSpan() {
		return toolCall(this.toolsWithFallom);
	}

	private String toolCall(ObservationRegistry registry) {
		ToolCallingObservationContext context = ToolCallingObservationContext.builder()
			.toolDefinition(this.tool)
			.toolCallId("call-4711")
			.toolCallArguments("{\"id\":\"4711\"}")
			.build();
		return ToolCallingObservationDocumentation.TOOL_CALL
			.observation(null, TOOL_CONVENTION, () -> context, registry)
			.observe(() -> {
				context.setToolCallResult("in transit");
				return "in transit";
			});
	}

	private String nextSession() {
		this.session = (this.session + 1) & (this.sessionIds.length - 1);
		return this.sessionIds[this.session];
	}

}
