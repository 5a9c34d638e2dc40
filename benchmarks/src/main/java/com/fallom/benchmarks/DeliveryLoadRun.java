package com.fallom.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.QueueStatistics;
import com.fallom.internal.RetryBackoff;
import com.fallom.internal.spool.Spool;
import com.fallom.internal.spool.SpoolDirectory;
import com.fallom.models.SessionRecorder;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import com.fallom.test.RecordedRequest;
import com.fallom.tracing.CustomMetricsSender;
import com.fallom.tracing.FallomTraceExporter;
import com.fallom.tracing.internal.BoundedExportSpanProcessor;
import com.fallom.tracing.internal.OtlpHttpExporter;
import com.fallom.tracing.internal.RecordExportSpanProcessor;
import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.resources.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A load run of delivery against the mock backend on loopback, not a JMH benchmark: what
 * is measured is the network's pace, not the CPU's. Two modes:
 * <ul>
 * <li>{@code throughput [records] [rttMillis]}: session records and custom metrics
 * offered at once against a backend that answers after the round trip; logs records/s
 * from the first offer to the last arrival.</li>
 * <li>{@code records [records] [rttMillis] [separate]}: chat calls ended at once, each a
 * trace record with content, against a backend that answers after the round trip; logs
 * records/s from the first span's end to the last arrival, bytes per record, the CPU
 * time per record of the caller, the sender and the mock backend, and Fallom's threads.
 * With {@code separate} the mock backend runs in a JVM of its own, so that the figure
 * measures the client (records then count as delivered when answered).</li>
 * <li>{@code outage [seconds]}: 500 new sessions/s, 500 metric records/s and 100 trace records/s
 * with Fallom's default queue settings, the backend answering 500 for the first
 * {@code seconds}; logs what was offered, delivered and dropped per queue. With a third
 * argument, a directory, the senders spill to a delivery spool there (512 MB, 24 h) and
 * the run also logs the spool's peak bytes on disk, how long the replay took, and the
 * heap used at the end of the outage. The mock backend runs in this JVM and keeps every
 * request it received: give a 10-minute outage {@code -Xmx4g}, or the mock's 660,000
 * requests fill the heap and the replay crawls behind full GCs. With {@code otlp} as the
 * last argument the spans are OTLP exports ({@code fallom.tracing.protocol=otlp}, the
 * builder's defaults) rather than trace records.</li>
 * </ul>
 * Run with {@code java -cp benchmarks/target/benchmarks.jar com.fallom.benchmarks.DeliveryLoadRun outage 60}
 * (add {@code /tmp/fallom-spool} for the spool).
 */
public final class DeliveryLoadRun {

	private static final System.Logger logger = System.getLogger(DeliveryLoadRun.class.getName());

	private DeliveryLoadRun() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "throughput";
		if (mode.equals("records")) {
			records((args.length > 1) ? Integer.parseInt(args[1]) : 20_000,
					Duration.ofMillis((args.length > 2) ? Long.parseLong(args[2]) : 50),
					args.length > 3 && args[3].equals("separate"));
		}
		else if (mode.equals("backend")) {
			backend(Duration.ofMillis((args.length > 1) ? Long.parseLong(args[1]) : 50));
		}
		else if (mode.equals("outage")) {
			outage(Duration.ofSeconds((args.length > 1) ? Long.parseLong(args[1]) : 12),
					(args.length > 2 && !args[2].equals("otlp")) ? Path.of(args[2]) : null,
					args[args.length - 1].equals("otlp"));
		}
		else {
			throughput((args.length > 1) ? Integer.parseInt(args[1]) : 20_000,
					Duration.ofMillis((args.length > 2) ? Long.parseLong(args[2]) : 50));
		}
	}

	private static void throughput(int records, Duration rtt) {
		try (FallomMockServer server = FallomMockServer.start();
				FallomHttpClient client = new FallomHttpClient(URI.create(server.baseUrl()), server.apiKey(),
						Duration.ofSeconds(2))) {
			server.fault(Endpoint.SESSIONS, Fault.delay(rtt)).fault(Endpoint.SPANS, Fault.delay(rtt));
			SessionRecorder recorder = new SessionRecorder(client, records, 1 << 20, Duration.ofSeconds(2),
					Duration.ofSeconds(2));
			recorder.start();
			long start = System.nanoTime();
			for (int i = 0; i < records; i++) {
				recorder.record("support", 1, "s" + i, "gpt-4o", i + 1);
			}
			await(() -> server.sessions().size() >= records, Duration.ofMinutes(5));
			long sessionsNanos = System.nanoTime() - start;
			recorder.stop();
			CustomMetricsSender metrics = new CustomMetricsSender(client, records, Duration.ofSeconds(2),
					Duration.ofSeconds(2));
			metrics.start();
			start = System.nanoTime();
			for (int i = 0; i < records; i++) {
				metrics.send(new CustomMetricsSender.MetricRecord("support", "s" + i, Map.of("score", i)));
			}
			await(() -> server.metrics().size() >= records, Duration.ofMinutes(5));
			long metricsNanos = System.nanoTime() - start;
			metrics.stop();
			logger.log(Level.INFO, "{0} records at {1} ms round trip: sessions {2} records/s, metrics {3} records/s, "
					+ "{4} requests in flight per queue", records, rtt.toMillis(), perSecond(records, sessionsNanos),
					perSecond(records, metricsNanos), SessionRecorder.DEFAULT_MAX_IN_FLIGHT);
		}
	}

	private static void records(int records, Duration rtt, boolean separateBackend) throws Exception {
		Process backendProcess = null;
		FallomMockServer server = null;
		String baseUrl;
		String apiKey;
		if (separateBackend) {
			backendProcess = startBackend(rtt);
			baseUrl = readBackendUrl(backendProcess);
			apiKey = FallomMockServer.DEFAULT_API_KEY;
		}
		else {
			server = FallomMockServer.start();
			server.fault(Endpoint.TRACES, Fault.delay(rtt));
			baseUrl = server.baseUrl();
			apiKey = server.apiKey();
		}
		try (FallomHttpClient client = new FallomHttpClient(URI.create(baseUrl), apiKey, Duration.ofSeconds(2))) {
			FallomTraceExporter exporter = recordExporter(client, records);
			exporter.start();
			Tracer tracer = exporter.getTracer();
			FallomMockServer inProcess = server;
			// A first round, as many records, warms the JIT up: a running app sends with
			// compiled code, and compiling takes much of a cold JVM's CPU
			long coldStart = System.nanoTime();
			sendRecords(tracer, 0, records, exporter, inProcess);
			long coldNanos = System.nanoTime() - coldStart;
			CpuTimes cpuBefore = CpuTimes.now();
			long start = System.nanoTime();
			long offeredNanos = sendRecords(tracer, records, records, exporter, inProcess);
			long nanos = System.nanoTime() - start;
			CpuTimes cpu = CpuTimes.now().minus(cpuBefore);
			Map<String, Integer> threads = threadCensus();
			long bytes = 0;
			long requests = records;
			if (server != null) {
				requests = server.requests(Endpoint.TRACES).size();
				for (RecordedRequest request : server.requests(Endpoint.TRACES)) {
					bytes += request.body().length;
				}
			}
			exporter.stop();
			logger.log(Level.INFO, "{0} trace records at {1} ms round trip, backend {2}: {3} records/s ({4} records/s "
					+ "offered; cold JVM, the first {0}: {13} records/s), {5} bytes/record, {6} requests in flight, "
					+ "{7} dropped; CPU µs per record: caller {8} (span end and record), sender {9} (HTTP client and "
					+ "pumps), mock backend {10}, JVM process {11}; threads {12}", records, rtt.toMillis(),
					separateBackend ? "in its own JVM" : "in this JVM",
					perSecond(records, nanos), perSecond(records, offeredNanos),
					(server != null) ? bytes / Math.max(1, requests) : "?",
					RecordExportSpanProcessor.DEFAULT_MAX_IN_FLIGHT, exporter.getDroppedCount(),
					cpu.micros(cpu.caller, records), cpu.micros(cpu.sender, records), cpu.micros(cpu.backend, records),
					cpu.micros(cpu.process, records), threads, perSecond(records, coldNanos));
		}
		finally {
			if (server != null) {
				server.close();
			}
			if (backendProcess != null) {
				backendProcess.destroy();
				backendProcess.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	/**
	 * End {@code count} chat spans at once, records {@code from} on, and wait until all of
	 * them are delivered: counted by the mock when it runs in this JVM, else answered.
	 * @return the time it took to end the spans and queue their records
	 */
	private static long sendRecords(Tracer tracer, int from, int count, FallomTraceExporter exporter,
			FallomMockServer inProcess) {
		long start = System.nanoTime();
		for (int i = from; i < from + count; i++) {
			Span span = tracer.spanBuilder("chat").startSpan();
			TracedCalls.attach(span, TraceRecordBenchmark.chatCall(i));
			span.end();
		}
		long offered = System.nanoTime() - start;
		int delivered = from + count;
		await(() -> (inProcess != null) ? inProcess.traceRecordCount() >= delivered
				: exporter.getExportedCount() + exporter.getDroppedCount() >= delivered, Duration.ofMinutes(5));
		return offered;
	}

	/**
	 * Start the mock backend in a JVM of its own, answering trace records after the round
	 * trip: {@code DeliveryLoadRun backend <rttMillis>}.
	 */
	private static Process startBackend(Duration rtt) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DeliveryLoadRun.class.getName(),
				"backend", Long.toString(rtt.toMillis()))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
	}

	private static String readBackendUrl(Process backend) throws IOException {
		BufferedReader reader = new BufferedReader(new InputStreamReader(backend.getInputStream(),
				StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.startsWith(BACKEND_URL)) {
				return line.substring(BACKEND_URL.length());
			}
		}
		throw new IllegalStateException("The backend JVM ended before telling its URL");
	}

	private static final String BACKEND_URL = "backend-url=";

	private static void backend(Duration rtt) throws InterruptedException {
		FallomMockServer server = FallomMockServer.start();
		server.fault(Endpoint.TRACES, Fault.delay(rtt));
		System.out.println(BACKEND_URL + server.baseUrl());
		System.out.flush();
		// Serves until the load run destroys this JVM
		new CountDownLatch(1).await();
	}

	/**
	 * CPU time by role, from the live threads: the caller (main, which ends the spans and
	 * writes the records), the sender (the HTTP client's thread and the JDK client's
	 * selector), the mock backend (its pool and dispatcher), and the whole process (GC
	 * and JIT included).
	 */
	private record CpuTimes(long caller, long sender, long backend, long process) {

		static CpuTimes now() {
			ThreadMXBean bean = ManagementFactory.getThreadMXBean();
			long caller = 0;
			long sender = 0;
			long backend = 0;
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				long cpu = bean.getThreadCpuTime(thread.getId());
				if (cpu < 0) {
					continue;
				}
				String name = thread.getName();
				if (name.equals("main")) {
					caller += cpu;
				}
				else if (name.startsWith("fallom-http") || name.startsWith("requester-dispatch")) {
					sender += cpu;
				}
				else if (name.startsWith("fallom-mock") || name.equals("HTTP-Dispatcher")) {
					backend += cpu;
				}
			}
			long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime();
			return new CpuTimes(caller, sender, backend, process);
		}

		CpuTimes minus(CpuTimes before) {
			return new CpuTimes(this.caller - before.caller, this.sender - before.sender,
					this.backend - before.backend, this.process - before.process);
		}

		long micros(long nanos, int records) {
			return Math.round(nanos / 1000.0 / records);
		}

	}

	/** The trace record exporter with Fallom.Builder's defaults. */
	private static FallomTraceExporter recordExporter(FallomHttpClient client, int queueCapacity) {
		return recordExporter(client, queueCapacity, null);
	}

	private static FallomTraceExporter recordExporter(FallomHttpClient client, int queueCapacity,
			@Nullable SpoolDirectory spool) {
		return new FallomTraceExporter(new RecordExportSpanProcessor(client, new TraceRecordMapper(true),
				queueCapacity, 64L * 1024 * 1024, RecordExportSpanProcessor.DEFAULT_MAX_IN_FLIGHT,
				RetryBackoff.DEFAULT, Duration.ofSeconds(5), Duration.ofSeconds(2), spool), Resource.getDefault(),
				Duration.ofSeconds(2));
	}

	/** The OTLP exporter with Fallom.Builder's defaults. */
	private static FallomTraceExporter otlpExporter(FallomHttpClient client, @Nullable SpoolDirectory spool) {
		return new FallomTraceExporter(new BoundedExportSpanProcessor(new OtlpHttpExporter(client,
				Duration.ofSeconds(5)), 2048, 16L * 1024 * 1024, 256,
				FallomTraceExporter.Settings.DEFAULT_MAX_BATCH_BYTES, FallomTraceExporter.Settings.DEFAULT_MAX_IN_FLIGHT,
				RetryBackoff.DEFAULT, Duration.ofSeconds(5), Duration.ofSeconds(2), client.executor(), spool),
				Resource.getDefault(), Duration.ofSeconds(2));
	}

	private static long perSecond(int records, long nanos) {
		return Math.round(records / (nanos / 1e9));
	}

	private static void outage(Duration outage, @Nullable Path spoolPath, boolean otlp) {
		SpoolDirectory spool = (spoolPath != null) ? SpoolDirectory.open(spoolPath, "load-run",
				SpoolDirectory.DEFAULT_MAX_BYTES, SpoolDirectory.DEFAULT_MAX_AGE) : null;
		if (spoolPath != null && spool == null) {
			throw new IllegalStateException("Cannot use the spool directory " + spoolPath);
		}
		try (FallomMockServer server = FallomMockServer.start();
				FallomHttpClient client = new FallomHttpClient(URI.create(server.baseUrl()), server.apiKey(),
						Duration.ofSeconds(2))) {
			for (Endpoint endpoint : new Endpoint[] { Endpoint.SESSIONS, Endpoint.SPANS, Endpoint.TRACES }) {
				server.fault(endpoint, Fault.status(500));
			}
			// Fallom.Builder's defaults
			SessionRecorder recorder = new SessionRecorder(client, 10_000, 65_536,
					SessionRecorder.DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT, Duration.ofSeconds(2),
					Duration.ofSeconds(2), spool);
			CustomMetricsSender metrics = new CustomMetricsSender(client, 10_000,
					CustomMetricsSender.DEFAULT_MAX_IN_FLIGHT, RetryBackoff.DEFAULT, Duration.ofSeconds(5),
					Duration.ofSeconds(2), spool);
			FallomTraceExporter spans = otlp ? otlpExporter(client, spool) : recordExporter(client, 2048, spool);
			long peakSpoolBytes = 0;
			long heapAtRecovery = 0;
			recorder.start();
			metrics.start();
			spans.start();
			Tracer tracer = spans.getTracer();
			String prompt = "p".repeat(2000);
			// Traffic for the outage and 5 s after it
			long ticks = (outage.toMillis() + 5000) / 2;
			long recoverAt = outage.toMillis() / 2;
			long start = System.nanoTime();
			int spanCount = 0;
			for (int i = 0; i < ticks; i++) {
				long wait = start + i * 2_000_000L - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				if (i == recoverAt) {
					logger.log(Level.INFO, "Threads at the end of the outage: {0}", threadCensus());
					heapAtRecovery = usedHeapAfterGc();
					server.clearFaults();
				}
				if (spool != null && i % 500 == 0) {
					peakSpoolBytes = Math.max(peakSpoolBytes, spool.getBytes());
					if (i % 30_000 == 0) {
						logger.log(Level.INFO, "{0} s: spool {1} MB on disk, sessions delivered {2}", i / 500,
								spool.getBytes() / 1_000_000.0, server.sessions().size());
					}
				}
				recorder.record("support", 1, "s" + i, "gpt-4o", i + 1);
				metrics.send(new CustomMetricsSender.MetricRecord("support", "s" + i, Map.of("score", i)));
				if (i % 5 == 0) {
					// An OTLP span carries its name and prompt itself; a record takes them from the traced call
					Span span = otlp ? tracer.spanBuilder("chat " + spanCount)
						.setAttribute("gen_ai.prompt.0.content", prompt)
						.startSpan() : tracer.spanBuilder("chat").startSpan();
					TracedCalls.attach(span, new TracedCall().kind(TracedCall.Kind.CUSTOM, "chat " + spanCount++)
						.input(prompt));
					span.end();
				}
			}
			int offered = (int) ticks;
			int offeredSpans = spanCount;
			long trafficEnd = System.nanoTime();
			await(() -> recorder.getQueueSize() == 0 && metrics.getQueueSize() == 0 && spans.getQueueSize() == 0
					&& (spool == null || spool.getBytes() == 0), Duration.ofMinutes(30));
			long drainSeconds = (System.nanoTime() - trafficEnd) / 1_000_000_000L;
			recorder.stop();
			metrics.stop();
			spans.stop();
			if (spool != null) {
				spool.close();
			}
			Set<Object> sessions = new HashSet<>();
			server.sessions().forEach((session) -> sessions.add(session.get("session_id")));
			Set<Object> metricRecords = new HashSet<>();
			server.metrics().forEach((metric) -> metricRecords.add(metric.get("session_id")));
			Set<String> spanNames = new HashSet<>();
			server.traceRecords().forEach((record) -> spanNames.add(record.name()));
			server.receivedSpans().forEach((received) -> spanNames.add(received.name()));
			logger.log(Level.INFO, "Outage of {0} s with default settings, back-off {1}: sessions {2} offered, "
					+ "{3} delivered, {4} dropped; metrics {5} offered, {6} delivered, {7} dropped; spans {8} "
					+ "offered, {9} delivered, {10} dropped", outage.toSeconds(), RetryBackoff.DEFAULT, offered,
					sessions.size(), recorder.getDroppedCount(), offered, metricRecords.size(),
					metrics.getDroppedCount(), offeredSpans, spanNames.size(), spans.getDroppedCount());
			if (spool != null) {
				logger.log(Level.INFO, "Spool: peak {0} MB on disk, {1} MB left; drained {2} s after the traffic "
						+ "ended; heap used at recovery {3} MB; spooled/replayed sessions {4}/{5}, metrics {6}/{7}, "
						+ "spans {8}/{9}; dropped by the spool {10}", peakSpoolBytes / 1_000_000.0,
						spool.getBytes() / 1_000_000.0, drainSeconds, heapAtRecovery / 1_000_000,
						recorder.getSpool().getSpooledCount(), recorder.getSpool().getReplayedCount(),
						metrics.getSpool().getSpooledCount(), metrics.getSpool().getReplayedCount(),
						spans.getSpool().getSpooledCount(), spans.getSpool().getReplayedCount(),
						spoolDrops(recorder) + spoolDrops(metrics) + spoolDrops(spans));
			}
		}
	}

	private static long spoolDrops(QueueStatistics queue) {
		Spool<?> spool = queue.getSpool();
		return (spool != null)
				? spool.getDroppedFullCount() + spool.getDroppedTooOldCount() + spool.getCorruptCount() : 0;
	}

	private static long usedHeapAfterGc() {
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	/**
	 * Count the live threads by name, without the mock backend's and the JVM's own.
	 */
	private static Map<String, Integer> threadCensus() {
		Map<String, Integer> census = new TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			String name = thread.getName();
			if (name.startsWith("fallom-mock") || name.equals("main") || thread.getThreadGroup() == null
					|| "system".equals(thread.getThreadGroup().getName())) {
				continue;
			}
			census.merge(name.replaceAll("[-\\s]?\\d+$", ""), 1, Integer::sum);
		}
		return census;
	}

	private static void await(BooleanSupplier condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(10_000_000);
		}
	}

}
