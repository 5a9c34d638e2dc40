package com.fallom.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;

/**
 * What the starter adds to an app's start-up, memory, threads and classes, not a JMH
 * benchmark: a start is a fresh JVM. It starts the minimal app of
 * {@code benchmarks/startup-app} (Boot webmvc, actuator, a Spring AI {@code ChatClient})
 * in separate JVMs, without the starter, with it offline (no API key), online against a
 * {@link FallomMockServer} it starts, and online with that backend hanging; interleaved,
 * the order rotating each round. Each start is read at Boot's "Started ... (process
 * running for N)" line; then the app's {@code /startup/stats} collects garbage and reports
 * its resident set size, live threads, loaded classes and the main thread's CPU time. Logs
 * each start and, at the end, the medians and the medians of the per-round differences
 * (paired).
 * <p>
 * Run from the repository root:
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar com.fallom.benchmarks.StartupBenchmark [rounds]
 * </pre>
 * {@code -Dstartup.app=<dir>} points at another {@code startup-app/target};
 * {@code -Dstartup.before=<dir>} adds, in the same rounds, the starter variants of
 * another build's {@code startup-app/target} (an older checkout), and reports the paired
 * differences between the two builds; {@code -Dstartup.variants=offline,online} starts only
 * the app without Fallom and those variants (more rounds in the same time, for a tighter
 * interval); {@code -Dstartup.jvmArgs="..."} adds options to the apps' JVMs. Each paired median comes with its 95 % confidence interval (the sign test's,
 * which assumes nothing of the noise's distribution).
 */
public final class StartupBenchmark {

	private static final System.Logger logger = System.getLogger(StartupBenchmark.class.getName());

	private static final String APP = "com.fallom.benchmarks.startup.StartupApp";

	private static final Pattern STARTED = Pattern.compile("Started \\S+ in [0-9.]+ seconds \\(process running for ([0-9.]+)\\)");

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

	private StartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		Path app = Path.of(System.getProperty("startup.app", defaultAppDirectory()));
		String classes = app.resolve("classes").toAbsolutePath().toString();
		String without = classes + java.io.File.pathSeparator + read(app, "without-fallom.txt");
		String with = classes + java.io.File.pathSeparator + read(app, "with-fallom.txt");
		String beforeApp = System.getProperty("startup.before");
		String withBefore = (beforeApp != null) ? Path.of(beforeApp).resolve("classes").toAbsolutePath()
				+ java.io.File.pathSeparator + read(Path.of(beforeApp), "with-fallom.txt") : null;
		List<String> chosen = Arrays.asList(System.getProperty("startup.variants", "offline,online,hanging")
			.toLowerCase(Locale.ROOT)
			.split("\\s*,\\s*"));
		Variant[] order = Arrays.stream(Variant.values())
			.filter((variant) -> withBefore != null || !variant.before)
			.filter((variant) -> variant == Variant.WITHOUT || chosen.contains(variant.after().key))
			.toArray(Variant[]::new);
		List<String> jvmArgs = jvmArgs();
		Map<Variant, List<Sample>> samples = new EnumMap<>(Variant.class);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		try (FallomMockServer server = FallomMockServer.start()) {
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < order.length; i++) {
					Variant variant = order[(i + round) % order.length];
					List<String> appArgs = new ArrayList<>();
					if (variant.online) {
						server.properties().forEach((name, value) -> appArgs.add("--" + name + "=" + value));
					}
					if (variant.hanging) {
						for (Endpoint endpoint : Endpoint.values()) {
							server.fault(endpoint, Fault.hang());
						}
					}
					try {
						String classpath = (variant == Variant.WITHOUT) ? without : variant.before ? withBefore : with;
						Sample sample = start(classpath, jvmArgs, appArgs, http);
						samples.computeIfAbsent(variant, (key) -> new ArrayList<>()).add(sample);
						logger.log(Level.INFO, "round {0}, {1}: {2}", round + 1, variant.label, sample);
					}
					finally {
						// Releases the server threads that hanging requests hold.
						server.clearFaults();
					}
				}
			}
		}
		logger.log(Level.INFO, report(samples, order, rounds, jvmArgs));
	}

	private static String defaultAppDirectory() {
		return Files.isDirectory(Path.of("benchmarks/startup-app/target")) ? "benchmarks/startup-app/target"
				: "startup-app/target";
	}

	private static String read(Path app, String name) throws IOException {
		Path file = app.resolve("startup-classpath").resolve(name);
		if (!Files.isReadable(file)) {
			throw new IllegalStateException(file.toAbsolutePath() + " is missing: build with "
					+ "'mvn -pl benchmarks -am package -DskipTests' and run from the repository root, "
					+ "or set -Dstartup.app to benchmarks/startup-app/target");
		}
		return Files.readString(file).trim();
	}

	private static List<String> jvmArgs() {
		String extra = System.getProperty("startup.jvmArgs", "").trim();
		return extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+"));
	}

	private static Sample start(String classpath, List<String> jvmArgs, List<String> appArgs, HttpClient http)
			throws Exception {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(jvmArgs);
		command.add("-cp");
		command.add(classpath);
		command.add(APP);
		command.addAll(appArgs);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// An API key in the shell would turn the offline starts online.
		builder.environment().keySet().removeIf((name) -> name.startsWith("FALLOM_"));
		Process process = builder.start();
		CompletableFuture<double[]> started = new CompletableFuture<>();
		Deque<String> lastLines = new ArrayDeque<>();
		Thread reader = new Thread(() -> readOutput(process, started, lastLines), "startup-output");
		reader.setDaemon(true);
		reader.start();
		try {
			double[] startedAt;
			try {
				startedAt = started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				synchronized (lastLines) {
					throw new IllegalStateException("The app did not start; its last lines:\n"
							+ String.join("\n", lastLines), ex);
				}
			}
			HttpResponse<String> response = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + (int) startedAt[1] + "/startup/stats"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
			String[] stats = response.body().trim().split(" ");
			// An older build's app reports no main thread CPU
			double mainCpu = (stats.length > 4) ? Long.parseLong(stats[4]) / 1e9 : Double.NaN;
			return new Sample(startedAt[0], startedAt[2], mainCpu, Long.parseLong(stats[0]) / 1024.0,
					Long.parseLong(stats[3]) / (1024.0 * 1024.0), Integer.parseInt(stats[1]), Integer.parseInt(stats[2]));
		}
		finally {
			process.destroy();
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
			}
		}
	}

	private static void readOutput(Process process, CompletableFuture<double[]> started, Deque<String> lastLines) {
		double port = -1;
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				synchronized (lastLines) {
					lastLines.addLast(line);
					if (lastLines.size() > 40) {
						lastLines.removeFirst();
					}
				}
				Matcher portMatcher = PORT.matcher(line);
				if (portMatcher.find()) {
					port = Integer.parseInt(portMatcher.group(1));
				}
				Matcher startedMatcher = STARTED.matcher(line);
				if (startedMatcher.find()) {
					// CPU time says what the start-up costs even on a busy machine, where
					// wall time is mostly waiting for a core.
					double cpu = process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L) / 1000.0;
					started.complete(new double[] { Double.parseDouble(startedMatcher.group(1)), port, cpu });
				}
			}
		}
		catch (IOException ex) {
			started.completeExceptionally(ex);
		}
		started.completeExceptionally(new IllegalStateException("The app exited"));
	}

	private static String report(Map<Variant, List<Sample>> samples, Variant[] variants, int rounds,
			List<String> jvmArgs) {
		StringBuilder report = new StringBuilder();
		report.append(String.format(Locale.ROOT,
				"%nStart-up of the minimal app, %d interleaved rounds, %d cores, Java %s%s%n", rounds,
				Runtime.getRuntime().availableProcessors(), Runtime.version(),
				jvmArgs.isEmpty() ? "" : ", JVM options " + jvmArgs));
		report.append("medians; in brackets, the median of the per-round differences from the app without Fallom,\n"
				+ "and for start-up and CPU its 95 % confidence interval\n");
		report.append(String.format(Locale.ROOT, "%-28s | %-28s | %-28s | %-28s | %-18s | %-15s | %-9s | %-13s%n", "",
				"start-up (s)", "CPU (s)", "main thread CPU (s)", "RSS after GC (MiB)", "heap (MiB)", "threads",
				"classes"));
		List<Sample> base = samples.get(Variant.WITHOUT);
		for (Variant variant : variants) {
			List<Sample> values = samples.get(variant);
			report.append(String.format(Locale.ROOT, "%-28s | %-28s | %-28s | %-28s | %-18s | %-15s | %-9s | %-13s%n",
					variant.label, cell(values, base, Sample::startup, "%.2f", "%+.2f") + interval(values, base, Sample::startup),
					cell(values, base, Sample::cpu, "%.2f", "%+.2f") + interval(values, base, Sample::cpu),
					cell(values, base, Sample::mainCpu, "%.2f", "%+.2f") + interval(values, base, Sample::mainCpu),
					cell(values, base, Sample::rssMiB, "%.0f", "%+.0f"),
					cell(values, base, Sample::heapMiB, "%.1f", "%+.1f"),
					cell(values, base, Sample::threads, "%.0f", "%+.0f"),
					cell(values, base, Sample::classes, "%.0f", "%+.0f")));
		}
		if (samples.containsKey(Variant.HANGING) && samples.containsKey(Variant.ONLINE)) {
			report.append(String.format(Locale.ROOT, "backend hanging over online, start-up: %+.2f s (paired median)%s%n",
					pairedMedian(samples.get(Variant.HANGING), samples.get(Variant.ONLINE), Sample::startup),
					interval(samples.get(Variant.HANGING), samples.get(Variant.ONLINE), Sample::startup)));
		}
		for (Variant variant : variants) {
			if (variant.before) {
				Variant after = variant.after();
				report.append(String.format(Locale.ROOT,
						"%s, this build over the other: start-up %+.2f s%s, CPU %+.2f s%s, main thread CPU %+.2f s%s, classes %+.0f%n",
						after.label, pairedMedian(samples.get(after), samples.get(variant), Sample::startup),
						interval(samples.get(after), samples.get(variant), Sample::startup),
						pairedMedian(samples.get(after), samples.get(variant), Sample::cpu),
						interval(samples.get(after), samples.get(variant), Sample::cpu),
						pairedMedian(samples.get(after), samples.get(variant), Sample::mainCpu),
						interval(samples.get(after), samples.get(variant), Sample::mainCpu),
						pairedMedian(samples.get(after), samples.get(variant), Sample::classes)));
			}
		}
		return report.toString();
	}

	/**
	 * The 95 % confidence interval of the median of the paired differences, from the sign
	 * test: the k-th smallest and k-th largest differences, for the largest k that leaves
	 * at most 2.5 % on each side of a binomial(n, 1/2). Too few rounds give none.
	 */
	private static String interval(List<Sample> values, List<Sample> base, ToDoubleFunction<Sample> metric) {
		if (values == base) {
			return "";
		}
		double[] differences = new double[values.size()];
		for (int i = 0; i < differences.length; i++) {
			differences[i] = metric.applyAsDouble(values.get(i)) - metric.applyAsDouble(base.get(i));
		}
		Arrays.sort(differences);
		int n = differences.length;
		int k = 0;
		double below = 0;
		double probability = Math.pow(0.5, n);
		// below = P(B <= k - 1); grow k while P(B <= k) stays within 2.5 %
		while (k < n / 2 && below + probability <= 0.025) {
			below += probability;
			probability = probability * (n - k) / (k + 1);
			k++;
		}
		if (k == 0) {
			return " [n/a]";
		}
		return String.format(Locale.ROOT, " [%+.2f, %+.2f]", differences[k - 1], differences[n - k]);
	}

	private static String cell(List<Sample> values, List<Sample> base, ToDoubleFunction<Sample> metric,
			String format, String deltaFormat) {
		String median = String.format(Locale.ROOT, format, median(values.stream().mapToDouble(metric).toArray()));
		if (values == base) {
			return median;
		}
		return median + " (" + String.format(Locale.ROOT, deltaFormat, pairedMedian(values, base, metric)) + ")";
	}

	private static double pairedMedian(List<Sample> values, List<Sample> base, ToDoubleFunction<Sample> metric) {
		double[] differences = new double[values.size()];
		for (int i = 0; i < differences.length; i++) {
			differences[i] = metric.applyAsDouble(values.get(i)) - metric.applyAsDouble(base.get(i));
		}
		return median(differences);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private enum Variant {

		WITHOUT("the app without Fallom", false, false, false),

		OFFLINE("+ the starter, offline", false, false, false),

		ONLINE("+ the starter, online", true, false, false),

		HANGING("online, backend hanging", true, true, false),

		OFFLINE_BEFORE("offline, other build", false, false, true),

		ONLINE_BEFORE("online, other build", true, false, true),

		HANGING_BEFORE("hanging, other build", true, true, true);

		private final String label;

		/** Its name in {@code -Dstartup.variants}. */
		private final String key;

		private final boolean online;

		private final boolean hanging;

		/** The other build's ({@code -Dstartup.before}). */
		private final boolean before;

		Variant(String label, boolean online, boolean hanging, boolean before) {
			this.label = label;
			this.key = name().toLowerCase(Locale.ROOT).replace("_before", "");
			this.online = online;
			this.hanging = hanging;
			this.before = before;
		}

		/** This build's variant of the other build's. */
		Variant after() {
			return switch (this) {
				case OFFLINE_BEFORE -> OFFLINE;
				case ONLINE_BEFORE -> ONLINE;
				case HANGING_BEFORE -> HANGING;
				default -> this;
			};
		}

	}

	/**
	 * One start: seconds from the JVM's start to Boot's "Started" line and the CPU seconds
	 * the process had used then; the main thread's CPU seconds to the end of start-up
	 * ({@code NaN} from an older build's app); after garbage collection, the resident set
	 * size, the used heap, live threads and loaded classes.
	 */
	private record Sample(double startup, double cpu, double mainCpu, double rssMiB, double heapMiB, int threads,
			int classes) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"%.2f s (CPU %.2f s, main thread %.2f s), RSS %.0f MiB, heap %.1f MiB, %d threads, %d classes",
					this.startup, this.cpu, this.mainCpu, this.rssMiB, this.heapMiB, this.threads, this.classes);
		}

	}

}
