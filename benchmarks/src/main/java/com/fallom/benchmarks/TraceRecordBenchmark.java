package com.fallom.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCall.Message;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.ToolSpec;
import com.fallom.tracing.internal.TracedCall.Usage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What building the trace record of one chat call costs on the thread that ends its
 * span: describing the call in the neutral model and writing the JSON record, with
 * content capture on (raw request and response) and off. A typical support-bot call: a
 * system prompt, a user question, a tool offered, an answer, usage. Run with
 * {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class TraceRecordBenchmark {

	private static final String SYSTEM = "You are a friendly support agent for ACME. Answer briefly and politely, "
			+ "and look orders up with the tool when the customer gives an order number.";

	private static final Map<String, Object> METADATA = Map.of("plan", "pro", "channel", "web");

	private final TraceRecordMapper withContent = new TraceRecordMapper(true);

	private final TraceRecordMapper withoutContent = new TraceRecordMapper(false);

	/**
	 * Describe one chat call as an integration does.
	 * @param i a number that makes the call distinct
	 * @return the call
	 */
	static TracedCall chatCall(int i) {
		long start = 1_767_607_872_345L + i;
		return new TracedCall().kind(TracedCall.Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS)
			.integration("spring-ai")
			.ids("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "00f067aa0ba902b7")
			.times(start, start + 812)
			.session("support-bot", "session-" + i, "customer-42", METADATA, List.of("beta"))
			.prompt("support-agent", 2, "support-style", 1)
			.requestModel("gpt-4o")
			.message(Message.of("system", SYSTEM))
			.message(Message.of("user", "Where is my order 4711? It was due on Monday and nothing came."))
			.tool(new ToolSpec("lookup_order", "Find an order by its number",
					"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}"))
			.toolChoice("auto")
			.response("gpt-4o-2024-08-06", "Your order 4711 left our warehouse on Tuesday and arrives tomorrow.",
					"stop", "chatcmpl-" + i)
			.responseToolCall(new ToolCall("call_" + i, "lookup_order", "{\"id\":\"4711\"}"))
			.usage(new Usage(182, 24, 206));
	}

	@Benchmark
	public byte[] chatRecordWithContent() {
		return this.withContent.toJson(chatCall(7));
	}

	@Benchmark
	public byte[] chatRecordWithoutContent() {
		return this.withoutContent.toJson(chatCall(7));
	}

}
