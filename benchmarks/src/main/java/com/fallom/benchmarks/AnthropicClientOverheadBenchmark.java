package com.fallom.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientImpl;
import com.anthropic.core.ClientOptions;
import com.anthropic.core.JsonValue;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Tool;
import com.fallom.anthropic.FallomAnthropic;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTraceExporter;
import com.fallom.tracing.internal.ExportingSpanProcessor;
import com.fallom.tracing.internal.SpanCalls;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCalls;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
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
 * Cost per {@code messages().create} call of the official Anthropic SDK's client that
 * {@link FallomAnthropic} adds: the proxy, the request rebuilt with the attempt header,
 * the span with its session attributes, the call described in the neutral model (raw
 * request read back through the SDK's JSON mapper when content is captured), the attempt
 * counted, and the trace record written on the thread that ends the span, as the record
 * exporter does; the record is then dropped, not posted, so the network is not measured.
 * The client's transport answers at once from memory, so {@code withoutFallom} is the
 * SDK's own cost (request serialisation, response parsing). Run with {@code -prof gc}
 * for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AnthropicClientOverheadBenchmark {

	private static final byte[] ANSWER = ("{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\","
			+ "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\","
			+ "\"text\":\"Your order 4711 left our warehouse on Tuesday and arrives tomorrow.\"}],"
			+ "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":182,"
			+ "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":24,"
			+ "\"service_tier\":\"standard\"}}")
		.getBytes(StandardCharsets.UTF_8);

	/** Whether Fallom records the raw request and response. */
	@Param({ "false", "true" })
	public boolean captureContent;

	private FallomTraceExporter exporter;

	private MessageCreateParams params;

	private AnthropicClient withoutFallom;

	private AnthropicClient withFallom;

	@Setup(Level.Trial)
	public void setUp() {
		this.params = MessageCreateParams.builder()
			.model("claude-sonnet-4-5")
			.maxTokens(512)
			.system("You are a friendly support agent for ACME. Answer briefly and politely, "
					+ "and look orders up with the tool when the customer gives an order number.")
			.addUserMessage("Where is my order 4711? It was due on Monday and nothing came.")
			.addTool(Tool.builder()
				.name("lookup_order")
				.description("Find an order by its number")
				.inputSchema(Tool.InputSchema.builder()
					.properties(JsonValue.from(Map.of("id", Map.of("type", "string"))))
					.putAdditionalProperty("required", JsonValue.from(List.of("id")))
					.build())
				.build())
			.build();
		this.exporter = new FallomTraceExporter(new RecordWritingProcessor(new TraceRecordMapper(this.captureContent)),
				Resource.getDefault(), Duration.ofSeconds(1));
		this.exporter.start();
		this.withoutFallom = new AnthropicClientImpl(ClientOptions.builder().httpClient(new InstantTransport()).build());
		this.withFallom = new FallomAnthropic(this.exporter.getTracer(), this.captureContent, null, null)
			.wrap(this.withoutFallom);
		FallomSessionHolder.setIfChanged("support", "user24204-convo67097", 3, 1, "claude-sonnet-4-5");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.exporter.stop();
		FallomSessionHolder.clear();
	}

	@Benchmark
	public Message withoutFallom() {
		return this.withoutFallom.messages().create(this.params);
	}

	@Benchmark
	public Message withFallom() {
		return this.withFallom.messages().create(this.params);
	}

	/**
	 * A transport that answers every request at once with the same message.
	 */
	static final class InstantTransport implements HttpClient {

		private static final Headers HEADERS = Headers.builder().put("content-type", "application/json").build();

		@Override
		public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
			return new HttpResponse() {

				@Override
				public int statusCode() {
					return 200;
				}

				@Override
				public Headers headers() {
					return HEADERS;
				}

				@Override
				public InputStream body() {
					return new ByteArrayInputStream(ANSWER);
				}

				@Override
				public void close() {
				}

			};
		}

		@Override
		public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
			return CompletableFuture.completedFuture(execute(request, requestOptions));
		}

		@Override
		public void close() {
		}

	}

	/**
	 * Writes each ended span's record as the record exporter does on the ending thread,
	 * then drops it instead of queueing it for the network.
	 */
	static final class RecordWritingProcessor implements ExportingSpanProcessor {

		private final TraceRecordMapper mapper;

		private long written;

		RecordWritingProcessor(TraceRecordMapper mapper) {
			this.mapper = mapper;
		}

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.written += this.mapper.toJson(SpanCalls.of(span.toSpanData(), TracedCalls.get(span))).length;
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

		@Override
		public void start() {
		}

		@Override
		public void pause(Duration flushTimeout) {
		}

		@Override
		public void beginShutdown() {
		}

		@Override
		public long getQueuedBytes() {
			return 0;
		}

		@Override
		public long getExportedCount() {
			return this.written;
		}

		@Override
		public int getQueueSize() {
			return 0;
		}

		@Override
		public long getDroppedCount() {
			return 0;
		}

		@Override
		public long getSentCount() {
			return 0;
		}

		@Override
		public long getFailedCount() {
			return 0;
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode forceFlush() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
