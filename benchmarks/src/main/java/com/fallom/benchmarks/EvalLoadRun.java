package com.fallom.benchmarks;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalListener;
import com.fallom.evals.EvalProgress;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.OpenAiCompatibleClient;
import com.fallom.test.evals.MockJudgeServer;

/**
 * A load run of evals against the mock judge on loopback, not a JMH benchmark: the judge
 * answers every call after a fixed delay, as a remote model would, and what is measured is
 * how many calls a run keeps in flight. Arguments: {@code [calls] [concurrency] [delayMillis]},
 * by default 1,000 judge calls (200 items x 5 metrics) at concurrency 32 against a 200 ms
 * judge. Logs the wall time, calls/s, the run's threads (peak, outside the mock judge) and
 * heap use. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar com.fallom.benchmarks.EvalLoadRun 1000 32 200}.
 */
public final class EvalLoadRun {

	private static final System.Logger logger = System.getLogger(EvalLoadRun.class.getName());

	private static final int METRICS = 5;

	private EvalLoadRun() {
	}

	public static void main(String[] args) {
		int calls = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		int concurrency = (args.length > 1) ? Integer.parseInt(args[1]) : 32;
		Duration delay = Duration.ofMillis((args.length > 2) ? Long.parseLong(args[2]) : 200);
		try (MockJudgeServer judge = MockJudgeServer.start()) {
			judge.delay(delay);
			OpenAiCompatibleClient client = OpenAiCompatibleClient.builder()
				.baseUrl(judge.openAiBaseUrl())
				.apiKey("sk-load")
				.build();
			// A short warm-up, so that class loading and the first connections are not measured
			run(client, judge, 2 * METRICS, concurrency, delay, "warm-up");
			judge.reset();
			run(client, judge, calls, concurrency, delay, "load");
		}
	}

	private static void run(OpenAiCompatibleClient client, MockJudgeServer judge, int calls, int concurrency,
			Duration delay, String label) {
		List<EvalItem> items = new ArrayList<>();
		for (int i = 0; i < calls / METRICS; i++) {
			items.add(EvalItem.of("Question " + i + ": how do I reset my password?",
					"Go to Settings, Security, and follow the emailed link (" + i + ")."));
		}
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		System.gc();
		long heapBefore = memory.getHeapMemoryUsage().getUsed();
		int threadsBefore = countThreads();
		Sampler sampler = new Sampler(memory);
		FallomEvals evals = FallomEvals.builder()
			.apiKey(null)
			.judgeClient(client)
			.concurrency(concurrency)
			.listener(sampler)
			.build();
		long start = System.nanoTime();
		EvalRun run = evals.evaluate(EvalRequest.items(items)
			.metrics("answer_relevancy", "hallucination", "toxicity", "faithfulness", "completeness")
			.upload(false));
		long nanos = System.nanoTime() - start;
		int scored = run.results().stream().mapToInt((result) -> result.scores().size()).sum();
		logger.log(Level.INFO,
				"{0}: {1} judge calls ({2} scored) at concurrency {3} against a {4} ms judge in {5} ms: {6} calls/s; "
						+ "peak concurrent requests at the judge {7}; threads outside the mock judge: {8} before, "
						+ "peak {9} during the run; heap used {10} MB before, peak {11} MB during",
				label, run.judgeCalls(), scored, concurrency, delay.toMillis(),
				nanos / 1_000_000, String.format("%.1f", run.judgeCalls() / (nanos / 1e9)),
				judge.maxConcurrentRequests(), threadsBefore, sampler.peakThreads.get(), heapBefore >> 20,
				sampler.peakHeap.get() >> 20);
	}

	private static int countThreads() {
		int count = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (!thread.getName().startsWith("mock-judge")) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Samples threads and heap as calls end: cheap enough at 1,000 calls.
	 */
	private static final class Sampler implements EvalListener {

		private final MemoryMXBean memory;

		private final AtomicInteger peakThreads = new AtomicInteger();

		private final AtomicLong peakHeap = new AtomicLong();

		Sampler(MemoryMXBean memory) {
			this.memory = memory;
		}

		@Override
		public void onProgress(EvalProgress progress) {
			if (progress.done() % 25 == 0) {
				this.peakThreads.accumulateAndGet(countThreads(), Math::max);
				this.peakHeap.accumulateAndGet(this.memory.getHeapMemoryUsage().getUsed(), Math::max);
			}
		}

	}

}
