package com.fallom.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import com.fallom.prompts.internal.PromptRegistry;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The prompt hot path: {@link FallomPrompts#get(String, Map)} of a prompt with two
 * variables (templates parsed once when the registry takes the prompt in, so a call is a
 * snapshot read, two map look-ups and two string builds), and
 * {@link FallomPrompts#getAb(String, String, Map)} with the MD5 bucket of the session id.
 * Run with {@code -prof gc} for B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FallomPromptsBenchmark {

	/** One registry for all threads, as in an application. */
	@State(Scope.Benchmark)
	public static class Engine {

		FallomPrompts prompts;

		final Map<String, Object> variables = Map.of("company", "Acme", "question", "Where is my order #1234?");

		@Setup(Level.Trial)
		public void setUp() {
			PromptRegistry registry = new PromptRegistry(List.of(
					new PromptVersion("support", 1, "You are the support assistant of {{company}}. Be brief.",
							"Customer asks: {{ question }}"),
					new PromptVersion("support", 2, "You help {{company}} customers; answer in two sentences.",
							"{{question}}")),
					List.of(new PromptAbTest("support-test", 1, List.of(PromptAbTest.Variant.pinned("support", 1, 50),
							PromptAbTest.Variant.current("support", 50)))));
			this.prompts = new FallomPrompts(registry);
		}

	}

	@Benchmark
	public FallomPrompt getTwoVariables(Engine engine) {
		return engine.prompts.get("support", engine.variables);
	}

	@Benchmark
	public FallomPrompt getNoVariables(Engine engine) {
		return engine.prompts.get("support", null);
	}

	@Benchmark
	public FallomPrompt getAbTwoVariables(Engine engine) {
		return engine.prompts.getAb("support-test", "user24204-convo67097", engine.variables);
	}

}
