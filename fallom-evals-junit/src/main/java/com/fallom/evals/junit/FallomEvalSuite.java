package com.fallom.evals.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fallom.evals.EvalItem;
import com.fallom.evals.EvalRequest;
import com.fallom.evals.EvalRun;
import com.fallom.evals.FallomEvals;
import com.fallom.evals.Metric;
import com.fallom.evals.stats.Gate;
import com.fallom.evals.stats.PairedComparison;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * An eval suite as a JUnit 5 extension: each test evaluates a case (its repeats judged on
 * the suite's metrics), and after the class the suite writes the Markdown and HTML reports,
 * prints a summary linking them, and compares the run with the committed baseline, failing
 * the class when the gate finds a significant drop, a case that broke, or cases the baseline
 * lacks. {@code -Dfallom.evals.update-baseline=true} writes the baseline instead.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static FallomEvalSuite suite = FallomEvalSuite.builder("support")
 *     .evals(() -&gt; evals)
 *     .metrics(Metric.ANSWER_RELEVANCY.withThreshold(0.7), Metric.FAITHFULNESS)
 *     .repeats(3).passRule(PassRule.passRate(0.66))
 *     .baseline(Path.of("src/test/resources/evals/support-baseline.json"))
 *     .build();
 *
 * &#64;ParameterizedTest
 * &#64;FallomDatasetSource("classpath:evals/support.jsonl")
 * void answers(EvalCase c) {
 *     EvalAssertions.assertThat(suite.evaluate(c, assistant::answer)).passes();
 * }
 * </pre>
 */
public final class FallomEvalSuite implements BeforeAllCallback, AfterAllCallback {

	/** The system property that, set to {@code true}, writes the baseline instead of comparing. */
	public static final String UPDATE_BASELINE_PROPERTY = "fallom.evals.update-baseline";

	private final String name;

	private final Function<@Nullable ExtensionContext, FallomEvals> evals;

	private final List<Metric> metrics;

	private final int repeats;

	private final PassRule rule;

	private final @Nullable Path baseline;

	private final Gate gate;

	private final Path reportDirectory;

	private final Consumer<String> output;

	private final Map<String, CaseResult> results = Collections.synchronizedMap(new LinkedHashMap<>());

	private volatile @Nullable SuiteReport report;

	private volatile @Nullable ExtensionContext classContext;

	private FallomEvalSuite(Builder builder) {
		this.name = builder.name;
		this.evals = Objects.requireNonNull(builder.evals, "FallomEvalSuite needs evals(...)");
		this.metrics = List.copyOf(builder.metrics);
		this.repeats = builder.repeats;
		this.rule = builder.rule;
		this.baseline = builder.baseline;
		this.gate = builder.gate;
		this.reportDirectory = builder.reportDirectory;
		this.output = builder.output;
	}

	/**
	 * Start a suite.
	 * @param name the suite name: report file names and the baseline's
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Judge a case's output, once per repeat (the judge's noise).
	 * @param evalCase the case
	 * @param output the output to judge
	 * @return the case result, also kept for the suite's report
	 */
	public CaseResult evaluate(EvalCase evalCase, @Nullable String output) {
		return evaluate(evalCase, (input) -> output);
	}

	/**
	 * Have the application answer a case once per repeat and judge each answer (the
	 * application's noise and the judge's).
	 * @param evalCase the case
	 * @param application the application under test, from input to answer
	 * @return the case result, also kept for the suite's report
	 */
	public CaseResult evaluate(EvalCase evalCase, Function<String, @Nullable String> application) {
		List<EvalItem> items = new ArrayList<>(this.repeats);
		for (int i = 0; i < this.repeats; i++) {
			items.add(evalCase.toItem(application.apply(evalCase.input())));
		}
		EvalRun run = evals()
			.evaluate(EvalRequest.items(items)
				.metrics(this.metrics)
				.upload(false)
				.name(this.name + " / " + evalCase.id()));
		CaseResult result = new CaseResult(evalCase, this.metrics, run.results(), this.rule);
		this.results.put(evalCase.id(), result);
		return result;
	}

	/**
	 * Return the results of the cases evaluated so far, in the order evaluated.
	 * @return the results
	 */
	public List<CaseResult> results() {
		synchronized (this.results) {
			return List.copyOf(this.results.values());
		}
	}

	/**
	 * Return the report of the last completed run of the suite.
	 * @return the report, or {@code null} before the class ends
	 */
	public @Nullable SuiteReport report() {
		return this.report;
	}

	private FallomEvals evals() {
		return this.evals.apply(this.classContext);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.classContext = context;
	}

	@Override
	public void afterAll(ExtensionContext context) {
		finish();
	}

	/**
	 * Write the reports and apply the baseline gate; the extension does so after the class.
	 * @throws AssertionFailedError when the gate fails or the baseline lacks cases
	 */
	public void finish() {
		List<CaseResult> all = results();
		if (all.isEmpty()) {
			return;
		}
		String judgeModel = evals().judge().model();
		Baseline current = Baseline.of(this.name, judgeModel, all);
		List<String> failures = new ArrayList<>();
		List<PairedComparison> comparisons = List.of();
		String note;
		if (this.baseline == null) {
			note = "none configured";
		}
		else if (Boolean.getBoolean(UPDATE_BASELINE_PROPERTY)) {
			current.write(this.baseline);
			note = "written to " + this.baseline.toAbsolutePath() + " (" + UPDATE_BASELINE_PROPERTY + "=true)";
		}
		else if (!Files.isRegularFile(this.baseline)) {
			note = "missing: " + this.baseline.toAbsolutePath() + "; write it with -D" + UPDATE_BASELINE_PROPERTY + "=true";
			failures.add("Baseline " + note);
		}
		else {
			Baseline committed = Baseline.read(this.baseline);
			List<String> missing = committed.missingCases(current);
			comparisons = committed.compare(current, this.metrics.stream().map(Metric::name).toList(), this.gate);
			note = this.baseline + (missing.isEmpty() ? "" : "; it has no scores for the cases " + missing);
			if (!missing.isEmpty()) {
				failures.add("Baseline " + this.baseline + " has no scores for the cases " + missing
						+ ": refresh it with -D" + UPDATE_BASELINE_PROPERTY + "=true");
			}
			comparisons.stream().filter((c) -> !c.passes()).forEach((c) -> failures.add(c.describe()));
		}
		SuiteReport suiteReport = new SuiteReport(this.name, judgeModel, this.repeats,
				SuiteReport.rows(this.metrics, all), note, comparisons);
		this.report = suiteReport;
		Path resultsFile = this.reportDirectory.resolve(this.name.replaceAll("[^A-Za-z0-9._-]", "-") + "-results.json");
		current.write(resultsFile);
		List<Path> files = new ArrayList<>(suiteReport.write(this.reportDirectory));
		files.add(resultsFile);
		this.output.accept(suiteReport.summary(files));
		if (!failures.isEmpty()) {
			throw new AssertionFailedError("Eval suite '" + this.name + "' is worse than its baseline:\n  "
					+ String.join("\n  ", failures));
		}
	}

	/**
	 * Builds a {@link FallomEvalSuite}.
	 */
	public static final class Builder {

		private final String name;

		private @Nullable Function<@Nullable ExtensionContext, FallomEvals> evals;

		private List<Metric> metrics = List.of(Metric.ANSWER_RELEVANCY);

		private int repeats = 1;

		private PassRule rule = PassRule.all();

		private @Nullable Path baseline;

		private Gate gate = Gate.DEFAULT;

		private Path reportDirectory = Path.of("target", "fallom-evals");

		// The summary goes to the test output, where people look: that is this library's purpose
		private Consumer<String> output = System.out::print;

		Builder(String name) {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("An eval suite needs a name");
			}
			this.name = name;
		}

		/**
		 * Set the evals engine.
		 * @param evals the engine
		 * @return this
		 */
		public Builder evals(FallomEvals evals) {
			Objects.requireNonNull(evals, "evals must not be null");
			this.evals = (context) -> evals;
			return this;
		}

		/**
		 * Set the evals engine, asked for on first use (e.g. a Spring bean of the test).
		 * @param evals the engine's supplier
		 * @return this
		 */
		public Builder evals(Supplier<FallomEvals> evals) {
			Objects.requireNonNull(evals, "evals must not be null");
			this.evals = (context) -> evals.get();
			return this;
		}

		/**
		 * Set the evals engine, taken from the test class's JUnit context on first use, e.g.
		 * the {@code FallomEvals} bean of a Spring test's application context.
		 * @param evals the engine from the class context ({@code null} outside JUnit)
		 * @return this
		 */
		public Builder evalsFrom(Function<@Nullable ExtensionContext, FallomEvals> evals) {
			this.evals = Objects.requireNonNull(evals, "evals must not be null");
			return this;
		}

		/**
		 * Set the metrics, with their thresholds (default: answer relevancy at 0.5).
		 * @param metrics the metrics
		 * @return this
		 */
		public Builder metrics(Metric... metrics) {
			if (metrics.length == 0) {
				throw new IllegalArgumentException("An eval suite needs at least one metric");
			}
			this.metrics = List.of(metrics);
			return this;
		}

		/**
		 * Set how many times each case runs (default 1).
		 * @param repeats at least 1
		 * @return this
		 */
		public Builder repeats(int repeats) {
			if (repeats < 1) {
				throw new IllegalArgumentException("Repeats must be at least 1, was " + repeats);
			}
			this.repeats = repeats;
			return this;
		}

		/**
		 * Set the rule over a case's repeats (default: every repeat passes).
		 * @param rule the rule
		 * @return this
		 */
		public Builder passRule(PassRule rule) {
			this.rule = Objects.requireNonNull(rule, "rule must not be null");
			return this;
		}

		/**
		 * Set the committed results file to compare with.
		 * @param baseline the file
		 * @return this
		 */
		public Builder baseline(@Nullable Path baseline) {
			this.baseline = baseline;
			return this;
		}

		/**
		 * Set the gate of the baseline comparison (default {@link Gate#DEFAULT}).
		 * @param gate the gate
		 * @return this
		 */
		public Builder gate(Gate gate) {
			this.gate = Objects.requireNonNull(gate, "gate must not be null");
			return this;
		}

		/**
		 * Set where the reports go (default {@code target/fallom-evals}).
		 * @param reportDirectory the directory
		 * @return this
		 */
		public Builder reportDirectory(Path reportDirectory) {
			this.reportDirectory = Objects.requireNonNull(reportDirectory, "reportDirectory must not be null");
			return this;
		}

		/**
		 * Set where the summary goes (default the standard output, i.e. the test output).
		 * @param output the consumer
		 * @return this
		 */
		public Builder output(Consumer<String> output) {
			this.output = Objects.requireNonNull(output, "output must not be null");
			return this;
		}

		/**
		 * Build the suite.
		 * @return the suite
		 */
		public FallomEvalSuite build() {
			return new FallomEvalSuite(this);
		}

	}

}
