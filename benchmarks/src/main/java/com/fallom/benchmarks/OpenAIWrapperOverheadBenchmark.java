package com.fallom.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fallom.openai.FallomOpenAI;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.internal.SpanCalls;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCalls;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
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
 * Cost per OpenAI SDK call of {@link FallomOpenAI}'s wrapper: the proxy, the per-call
 * attempt counter ({@code withOptions}), the span and the neutral description of the
 * call, and the JSON trace record written when the span ends (on the calling thread, as
 * the record exporter does; only the HTTP post is left out). The SDK answers from an
 * in-process HTTP client that returns a recorded Chat Completions body, so the SDK's own
 * serialisation and parsing are in both {@code unwrapped} and {@code wrapped}; the
 * difference is Fallom's cost. Content capture on and off. Run with {@code -prof gc} for
 * B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class OpenAIWrapperOverheadBenchmark {

	private static final byte[] ANSWER = """
			{"id": "chatcmpl-9x1", "object": "chat.completion", "created": 1761693950, "model": "gpt-4o-2024-08-06",
			 "choices": [{"index": 0, "message": {"role": "assistant",
			 "content": "The customer cannot log in since the update and asks for a password reset.",
			 "refusal": null, "annotations": []}, "logprobs": null, "finish_reason": "stop"}],
			 "usage": {"prompt_tokens": 42, "completion_tokens": 17, "total_tokens": 59,
			 "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
			 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
			 "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}},
			 "service_tier": "default", "system_fingerprint": "fp_c2bfd1f9b9"}
			""".getBytes(StandardCharsets.UTF_8);

	/** Whether Fallom records prompts and completions. */
	@Param({ "false", "true" })
	public boolean captureContent;

	private SdkTracerProvider tracerProvider;

	private OpenAIClient unwrapped;

	private OpenAIClient wrapped;

	private ChatCompletionCreateParams params;

	@Setup(Level.Trial)
	public void setUp() {
		TraceRecordMapper mapper = new TraceRecordMapper(this.captureContent);
		this.tracerProvider = SdkTracerProvider.builder().addSpanProcessor(new RecordWriter(mapper)).build();
		this.unwrapped = new OpenAIClientImpl(
				ClientOptions.builder().httpClient(new AnsweringHttpClient()).apiKey("sk-bench").build());
		this.wrapped = new FallomOpenAI(this.tracerProvider.get("fallom"), this.captureContent, null)
			.wrap(this.unwrapped);
		this.params = ChatCompletionCreateParams.builder()
			.model("gpt-4o")
			.addSystemMessage("You are a friendly support agent for ACME. Answer briefly and politely.")
			.addUserMessage("Summarise the attached ticket in one sentence: customer cannot log in since 4.2.")
			.build();
		FallomSessionHolder.setIfChanged("support", "user24204-convo67097", 3, 1, "gpt-4o");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.tracerProvider.close();
		FallomSessionHolder.clear();
	}

	@Benchmark
	public ChatCompletion unwrapped() {
		return this.unwrapped.chat().completions().create(this.params);
	}

	@Benchmark
	public ChatCompletion wrapped() {
		return this.wrapped.chat().completions().create(this.params);
	}

	/**
	 * Writes each ended span's record, as the record exporter does before it posts it.
	 */
	static final class RecordWriter implements SpanProcessor {

		private final TraceRecordMapper mapper;

		volatile int bytes;

		RecordWriter(TraceRecordMapper mapper) {
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
			this.bytes = this.mapper.toJson(SpanCalls.of(span.toSpanData(), TracedCalls.get(span))).length;
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

	/**
	 * Answers every request at once with the recorded completion, reading the request body
	 * as a transport would.
	 */
	static final class AnsweringHttpClient implements HttpClient {

		@Override
		public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
			if (request.body() != null) {
				request.body().writeTo(java.io.OutputStream.nullOutputStream());
			}
			return new HttpResponse() {

				@Override
				public int statusCode() {
					return 200;
				}

				@Override
				public Headers headers() {
					return Headers.builder().put("Content-Type", "application/json").build();
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

}
