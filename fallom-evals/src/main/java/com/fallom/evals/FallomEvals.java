package com.fallom.evals;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.evals.internal.Budget;
import com.fallom.evals.internal.CallScheduler;
import com.fallom.evals.internal.FallomAppClient;
import com.fallom.evals.internal.HttpSupport;
import com.fallom.evals.internal.JudgeCache;
import com.fallom.evals.internal.JudgeProtocol;
import com.fallom.evals.internal.RetryPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Evals as the Fallom SDKs run them, concurrently: {@link #evaluate(EvalRequest) evaluate}
 * scores items with an LLM judge (G-Eval), {@link #compare(EvalRequest, List) compare}
 * has candidate models answer the same inputs and scores them too. Datasets come from the
 * Fallom app and results go to its dashboard when a Fallom API key is set. Calls run at a
 * bounded concurrency, 429 and 5xx are retried with back-off (honouring Retry-After), a
 * budget stops a run with a partial result, and an optional on-disk cache answers repeated
 * judge calls. Thread-safe; each run has its own threads, which end with it.
 * <pre class="code">
 * FallomEvals evals = FallomEvals.builder().apiKey(fallomKey).concurrency(16).build();
 * EvalRun run = evals.evaluate(EvalRequest.items(items).metrics("answer_relevancy"));
 * </pre>
 */
public final class FallomEvals {

	/** The environment variable of the Fallom API key, as in the SDKs. */
	public static final String FALLOM_API_KEY_ENV = "FALLOM_API_KEY";

	/** The model name of an item's own output. */
	public static final String PRODUCTION = "production";

	private static final Log logger = LogFactory.getLog(FallomEvals.class);

	private static final DateTimeFormatter RUN_NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
		.withZone(ZoneOffset.UTC);

	private final @Nullable FallomAppClient app;

	private final @Nullable Judge judge;

	private final @Nullable OpenAiCompatibleClient judgeClient;

	private volatile @Nullable OpenAiCompatibleClient defaultJudgeClient;

	private final String judgeModel;

	private final int concurrency;

	private final RetryPolicy retryPolicy;

	private final int maxCalls;

	private final double maxCost;

	private final @Nullable JudgeCache cache;

	private final EvalListener listener;

	private final @Nullable Path reportDirectory;

	private final boolean uploads;

	private final Clock clock;

	private FallomEvals(Builder builder) {
		this.app = (builder.apiKey != null && !builder.apiKey.isBlank())
				? new FallomAppClient(builder.appUrl, builder.apiKey, builder.httpClient(), builder.appTimeout) : null;
		this.judge = builder.judge;
		this.judgeClient = builder.judgeClient;
		this.judgeModel = builder.judgeModel;
		this.concurrency = builder.concurrency;
		this.retryPolicy = new RetryPolicy(builder.maxRetries, builder.initialBackoff, builder.maxBackoff);
		this.maxCalls = builder.maxCalls;
		this.maxCost = builder.maxCost;
		this.cache = (builder.cacheDirectory != null) ? new JudgeCache(builder.cacheDirectory) : null;
		this.listener = builder.listener;
		this.reportDirectory = builder.reportDirectory;
		this.uploads = builder.uploads;
		this.clock = builder.clock;
	}

	/**
	 * Create a builder: the app at {@code https://app.fallom.com} with the key of
	 * {@code FALLOM_API_KEY}, the judge {@code openai/gpt-4o-mini} on OpenRouter with the
	 * key of {@code OPENROUTER_API_KEY}, 8 calls at once, 3 retries.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Evaluate items with the judge: one judge call per item and metric.
	 * @param request what to evaluate
	 * @return the run
	 * @throws IllegalArgumentException for an unknown or invalid metric, a missing judge
	 * key, or a dataset key without a Fallom API key, before any request
	 * @throws DatasetException if the dataset cannot be fetched
	 */
	public EvalRun evaluate(EvalRequest request) {
		Objects.requireNonNull(request, "request must not be null");
		return run(request, List.of(), true, "Production Eval ");
	}

	/**
	 * Compare models: each candidate answers every item's input (system message included),
	 * and the judge scores the answers, and the items' own outputs as {@code production}
	 * unless {@link EvalRequest#includeProduction(boolean) left out}.
	 * @param request what to evaluate
	 * @param candidates the models to compare, e.g. {@link Candidate#variantsOf}
	 * @return the run, results by model
	 * @throws IllegalArgumentException for invalid metrics or candidates, before any request
	 * @throws DatasetException if the dataset cannot be fetched
	 */
	public EvalRun compare(EvalRequest request, List<Candidate> candidates) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(candidates, "candidates must not be null");
		if (candidates.isEmpty()) {
			throw new IllegalArgumentException("A comparison needs at least one candidate");
		}
		Set<String> names = new HashSet<>();
		for (Candidate candidate : candidates) {
			Objects.requireNonNull(candidate, "candidates must not contain null");
			if (PRODUCTION.equals(candidate.name()) || !names.add(candidate.name())) {
				throw new IllegalArgumentException("Candidate names must be distinct and not '" + PRODUCTION
						+ "', found '" + candidate.name() + "' twice or reserved");
			}
		}
		return run(request, List.copyOf(candidates), request.includeProduction(), "Model Comparison ");
	}

	/**
	 * Fetch the latest version of a dataset from the Fallom app.
	 * @param key the dataset key
	 * @return the dataset
	 * @throws DatasetException naming the key if the app refuses or fails
	 */
	public Dataset dataset(String key) {
		return fetch(key, null);
	}

	/**
	 * Fetch a version of a dataset from the Fallom app.
	 * @param key the dataset key
	 * @param version the version
	 * @return the dataset
	 * @throws DatasetException naming the key if the app refuses or fails
	 */
	public Dataset dataset(String key, int version) {
		return fetch(key, version);
	}

	private Dataset fetch(String key, @Nullable Integer version) {
		FallomAppClient app = this.app;
		if (app == null) {
			throw new IllegalArgumentException("Fetching dataset '" + key
					+ "' needs a Fallom API key: set FALLOM_API_KEY or FallomEvals.builder().apiKey(...)");
		}
		try {
			return app.fetchDataset(key, version);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CancellationException("Interrupted while fetching dataset '" + key + "'");
		}
	}

	/**
	 * Return the judge runs use.
	 * @return the judge
	 * @throws IllegalArgumentException if the default OpenRouter judge has no key
	 */
	public Judge judge() {
		if (this.judge != null) {
			return this.judge;
		}
		OpenAiCompatibleClient client = this.judgeClient;
		if (client == null) {
			client = this.defaultJudgeClient;
			if (client == null) {
				client = OpenAiCompatibleClient.openRouter();
				this.defaultJudgeClient = client;
			}
		}
		return client.judge(this.judgeModel);
	}

	private EvalRun run(EvalRequest request, List<Candidate> candidates, boolean production, String defaultName) {
		// Everything a caller can get wrong fails here, before any request
		List<Metric> metrics = request.resolvedMetrics();
		Judge judge = judge();
		if (request.datasetKey() != null && this.app == null) {
			throw new IllegalArgumentException("Fetching dataset '" + request.datasetKey()
					+ "' needs a Fallom API key: set FALLOM_API_KEY or FallomEvals.builder().apiKey(...)");
		}
		long started = System.nanoTime();
		String name = (request.name() != null) ? request.name() : defaultName + RUN_NAME_TIME.format(this.clock.instant());
		List<EvalItem> items = (request.items() != null) ? request.items()
				: fetch(request.datasetKey(), request.datasetVersion()).items();
		Execution execution = new Execution(judge, metrics, request.judgeContext(), items, candidates, production);
		execution.runAll();
		Map<String, List<EvalResult>> resultsByModel = execution.results();
		EvalUpload upload = upload(request, name, judge.model(), resultsByModel);
		Duration duration = Duration.ofNanos(System.nanoTime() - started);
		EvalRun run = new EvalRun(name, request.description(), judge.model(), metrics, resultsByModel, upload,
				execution.budget.exhausted(), execution.judgeCalls.get(), execution.modelCalls.get(),
				execution.cacheHits.get(), execution.budget.cost(), duration, List.of());
		if (this.reportDirectory != null) {
			List<Path> files = EvalReports.write(run, this.reportDirectory);
			run = new EvalRun(name, request.description(), judge.model(), metrics, resultsByModel, upload,
					execution.budget.exhausted(), execution.judgeCalls.get(), execution.modelCalls.get(),
					execution.cacheHits.get(), execution.budget.cost(), duration, files);
		}
		try {
			this.listener.onFinish(run);
		}
		catch (RuntimeException ex) {
			logger.warn("Eval listener failed at the end of the run", ex);
		}
		return run;
	}

	private EvalUpload upload(EvalRequest request, String name, String judgeModel,
			Map<String, List<EvalResult>> resultsByModel) {
		if (!request.upload()) {
			return new EvalUpload(false, null, null, "upload not asked");
		}
		if (!this.uploads) {
			return new EvalUpload(false, null, null, "uploads are off (privacy mode: content capture is off)");
		}
		FallomAppClient app = this.app;
		if (app == null) {
			return new EvalUpload(false, null, null, "no Fallom API key");
		}
		List<EvalResult> uploaded = new ArrayList<>();
		resultsByModel.values()
			.forEach((results) -> results.stream()
				.filter((result) -> result.production() || result.generationError() != null || result.latencyMs() != null)
				.forEach(uploaded::add));
		try {
			String runId = app.upload(FallomAppClient.uploadBody(name, request.description(), judgeModel, uploaded));
			return new EvalUpload(true, runId, (runId != null) ? app.dashboardUrl(runId) : null, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new EvalUpload(false, null, null, "interrupted");
		}
		catch (IOException | RuntimeException ex) {
			String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			logger.warn("Could not upload eval results of '" + name + "' to Fallom, returning them anyway: " + reason);
			return new EvalUpload(false, null, null, reason);
		}
	}

	/**
	 * One run's calls and their outcomes.
	 */
	private final class Execution {

		private final Judge judge;

		private final List<Metric> metrics;

		private final @Nullable String judgeContext;

		private final List<EvalItem> items;

		private final List<Candidate> candidates;

		private final boolean production;

		private final Budget budget = new Budget(FallomEvals.this.maxCalls, FallomEvals.this.maxCost);

		private final AtomicInteger judgeCalls = new AtomicInteger();

		private final AtomicInteger modelCalls = new AtomicInteger();

		private final AtomicInteger cacheHits = new AtomicInteger();

		private final AtomicInteger done = new AtomicInteger();

		private final AtomicInteger errors = new AtomicInteger();

		private final int total;

		private final List<Slot> productionSlots = new ArrayList<>();

		private final List<List<Slot>> candidateSlots = new ArrayList<>();

		private final long started = System.nanoTime();

		private volatile @Nullable CallScheduler scheduler;

		Execution(Judge judge, List<Metric> metrics, @Nullable String judgeContext, List<EvalItem> items,
				List<Candidate> candidates, boolean production) {
			this.judge = judge;
			this.metrics = metrics;
			this.judgeContext = judgeContext;
			this.items = items;
			this.candidates = candidates;
			this.production = production;
			int perItem = metrics.size();
			this.total = (production ? items.size() * perItem : 0) + candidates.size() * items.size() * (1 + perItem);
		}

		void runAll() {
			try (CallScheduler scheduler = new CallScheduler(FallomEvals.this.concurrency)) {
				this.scheduler = scheduler;
				if (this.production) {
					for (int i = 0; i < this.items.size(); i++) {
						EvalItem item = this.items.get(i);
						Slot slot = new Slot(item, PRODUCTION, true, this.metrics.size());
						slot.output = item.output();
						this.productionSlots.add(slot);
						submitJudging(scheduler, 0, i, slot);
					}
				}
				for (int c = 0; c < this.candidates.size(); c++) {
					Candidate candidate = this.candidates.get(c);
					List<Slot> slots = new ArrayList<>();
					for (int i = 0; i < this.items.size(); i++) {
						Slot slot = new Slot(this.items.get(i), candidate.name(), false, this.metrics.size());
						slots.add(slot);
						int group = c + 1;
						int index = i;
						scheduler.submit(CallScheduler.key(group, i, -1),
								() -> generate(scheduler, group, index, candidate, slot));
					}
					this.candidateSlots.add(slots);
				}
				scheduler.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CancellationException("Interrupted while running the eval");
			}
		}

		private void submitJudging(CallScheduler scheduler, int group, int item, Slot slot) {
			for (int m = 0; m < this.metrics.size(); m++) {
				int metric = m;
				scheduler.submit(CallScheduler.key(group, item, m), () -> judgeOne(slot, metric));
			}
		}

		private void generate(CallScheduler scheduler, int group, int item, Candidate candidate, Slot slot) {
			boolean failed = false;
			try {
				if (this.budget.exhausted() != null) {
					slot.markNotRun();
					return;
				}
				long start = System.nanoTime();
				ChatReply reply = withRetries(() -> candidate
					.generate(JudgeProtocol.candidateMessages(slot.item.input(), slot.item.systemMessage())),
						this.modelCalls);
				slot.latencyMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
				slot.output = reply.content();
				slot.tokensIn = reply.tokensIn();
				slot.tokensOut = reply.tokensOut();
				slot.cost = reply.cost();
				slot.generated = true;
				this.budget.addCost(reply.cost());
				submitJudging(scheduler, group, item, slot);
			}
			catch (BudgetSpent ex) {
				slot.markNotRun();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				slot.markNotRun();
			}
			catch (Exception ex) {
				failed = true;
				slot.generationError = reason(ex);
			}
			finally {
				progress(failed);
				if (!slot.generated) {
					// Its metrics will not run: count them done, for the progress
					for (int m = 0; m < this.metrics.size(); m++) {
						progress(false);
					}
				}
			}
		}

		private void judgeOne(Slot slot, int metricIndex) {
			boolean failed = false;
			try {
				if (this.budget.exhausted() != null) {
					slot.notRun[metricIndex] = true;
					return;
				}
				Metric metric = this.metrics.get(metricIndex);
				String prompt = JudgeProtocol.prompt(metric, slot.item.input(), slot.output,
						slot.item.systemMessage(), this.judgeContext);
				JudgeCache cache = FallomEvals.this.cache;
				String cacheKey = (cache != null) ? JudgeCache.key(this.judge.model(), prompt) : null;
				if (cache != null && cacheKey != null) {
					String cached = cache.get(cacheKey);
					if (cached != null) {
						try {
							JudgeProtocol.Verdict verdict = JudgeProtocol.parseVerdict(cached);
							slot.scores[metricIndex] = verdict.score();
							slot.reasoning[metricIndex] = verdict.reasoning();
							this.cacheHits.incrementAndGet();
							return;
						}
						catch (RuntimeException ex) {
							// A damaged entry: ask the judge again
						}
					}
				}
				ChatReply reply = withRetries(() -> this.judge.complete(prompt), this.judgeCalls);
				this.budget.addCost(reply.cost());
				JudgeProtocol.Verdict verdict = JudgeProtocol.parseVerdict(reply.content());
				slot.scores[metricIndex] = verdict.score();
				slot.reasoning[metricIndex] = verdict.reasoning();
				if (cache != null && cacheKey != null && reply.content() != null) {
					cache.put(cacheKey, reply.content());
				}
			}
			catch (BudgetSpent ex) {
				slot.notRun[metricIndex] = true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				slot.notRun[metricIndex] = true;
			}
			catch (Exception ex) {
				failed = true;
				slot.errors[metricIndex] = reason(ex);
			}
			finally {
				progress(failed);
			}
		}

		private ChatReply withRetries(Call call, AtomicInteger counter) throws Exception {
			RetryPolicy policy = FallomEvals.this.retryPolicy;
			for (int attempt = 0;; attempt++) {
				if (!this.budget.tryCall()) {
					throw new BudgetSpent();
				}
				counter.incrementAndGet();
				try {
					return call.call();
				}
				catch (EvalHttpException ex) {
					if (!ex.isRetryable() || attempt >= policy.maxRetries()) {
						throw ex;
					}
					Thread.sleep(policy.delay(attempt, ex.retryAfter(), ThreadLocalRandom.current().nextDouble())
						.toMillis());
				}
				catch (IOException ex) {
					if (attempt >= policy.maxRetries()) {
						throw ex;
					}
					Thread.sleep(policy.delay(attempt, null, ThreadLocalRandom.current().nextDouble()).toMillis());
				}
			}
		}

		private void progress(boolean failed) {
			int doneNow = this.done.incrementAndGet();
			int errorsNow = failed ? this.errors.incrementAndGet() : this.errors.get();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - this.started);
			Duration eta = (doneNow > 0)
					? Duration.ofNanos((long) (elapsed.toNanos() / (double) doneNow * (this.total - doneNow))) : null;
			try {
				FallomEvals.this.listener
					.onProgress(new EvalProgress(doneNow, this.total, errorsNow, this.budget.cost(), elapsed, eta));
			}
			catch (RuntimeException ex) {
				logger.debug("Eval listener failed", ex);
			}
		}

		Map<String, List<EvalResult>> results() {
			Map<String, List<EvalResult>> results = new LinkedHashMap<>();
			if (this.production) {
				results.put(PRODUCTION, this.productionSlots.stream().map(this::toResult).toList());
			}
			for (int c = 0; c < this.candidates.size(); c++) {
				results.put(this.candidates.get(c).name(),
						this.candidateSlots.get(c).stream().map(this::toResult).toList());
			}
			return results;
		}

		private EvalResult toResult(Slot slot) {
			Map<String, Double> scores = new LinkedHashMap<>();
			Map<String, String> reasoning = new LinkedHashMap<>();
			Map<String, String> errors = new LinkedHashMap<>();
			List<String> notRun = new ArrayList<>();
			EvalItem item = slot.item;
			if (slot.generationError != null) {
				reasoning.put("error", slot.generationError);
				return new EvalResult(item.input(), "Error: " + slot.generationError, item.systemMessage(), null, null,
						null, slot.model, false, scores, reasoning, errors, notRun, null, null, null, null,
						slot.generationError);
			}
			for (int m = 0; m < this.metrics.size(); m++) {
				String metric = this.metrics.get(m).name();
				if (slot.scores[m] != null) {
					scores.put(metric, slot.scores[m]);
					reasoning.put(metric, slot.reasoning[m]);
				}
				else if (slot.errors[m] != null) {
					errors.put(metric, slot.errors[m]);
					reasoning.put(metric, "Error: " + slot.errors[m]);
				}
				else {
					notRun.add(metric);
				}
			}
			boolean candidate = !slot.production;
			return new EvalResult(item.input(), slot.output, item.systemMessage(),
					slot.production ? item.expectedOutput() : null, slot.production ? item.context() : null,
					item.metadata(), slot.model, slot.production, scores, reasoning, errors, notRun,
					candidate ? slot.latencyMs : null, candidate ? slot.tokensIn : null,
					candidate ? slot.tokensOut : null, candidate ? slot.cost : null, null);
		}

	}

	private static String reason(Exception ex) {
		if (ex instanceof EvalHttpException || ex instanceof JudgeProtocol.JudgeReplyException
				|| ex instanceof HttpSupport.MalformedReplyException) {
			return ex.getMessage();
		}
		if (ex instanceof HttpTimeoutException) {
			return "timed out";
		}
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * A call to a judge or a candidate.
	 */
	@FunctionalInterface
	private interface Call {

		ChatReply call() throws Exception;

	}

	/**
	 * The budget refused a call.
	 */
	private static final class BudgetSpent extends Exception {

		BudgetSpent() {
			super(null, null, false, false);
		}

	}

	/**
	 * The outcome of one item for one model, filled by the calls: each metric's cell is
	 * written by one call only, and read once the scheduler is done.
	 */
	private static final class Slot {

		final EvalItem item;

		final String model;

		final boolean production;

		final @Nullable Double[] scores;

		final @Nullable String[] reasoning;

		final @Nullable String[] errors;

		final boolean[] notRun;

		volatile @Nullable String output;

		volatile boolean generated;

		volatile @Nullable String generationError;

		volatile @Nullable Long latencyMs;

		volatile @Nullable Integer tokensIn;

		volatile @Nullable Integer tokensOut;

		volatile @Nullable Double cost;

		Slot(EvalItem item, String model, boolean production, int metrics) {
			this.item = item;
			this.model = model;
			this.production = production;
			this.scores = new Double[metrics];
			this.reasoning = new String[metrics];
			this.errors = new String[metrics];
			this.notRun = new boolean[metrics];
		}

		void markNotRun() {
			Arrays.fill(this.notRun, true);
		}

	}

	/**
	 * Builds {@link FallomEvals}.
	 */
	public static final class Builder {

		private String appUrl = FallomAppClient.DEFAULT_APP_URL;

		private @Nullable String apiKey = System.getenv(FALLOM_API_KEY_ENV);

		private @Nullable Judge judge;

		private @Nullable OpenAiCompatibleClient judgeClient;

		private String judgeModel = JudgeProtocol.DEFAULT_JUDGE_MODEL;

		private int concurrency = 8;

		private int maxRetries = 3;

		private Duration initialBackoff = Duration.ofMillis(500);

		private Duration maxBackoff = Duration.ofSeconds(30);

		private int maxCalls;

		private double maxCost;

		private @Nullable Path cacheDirectory;

		private EvalListener listener = new LoggingEvalListener();

		private @Nullable Path reportDirectory;

		private boolean uploads = true;

		private Clock clock = Clock.systemUTC();

		private @Nullable HttpClient httpClient;

		private Duration appTimeout = Duration.ofSeconds(60);

		private Builder() {
		}

		/**
		 * Set the Fallom app's URL (datasets and dashboard). Not the services' base URL.
		 * @param appUrl the URL, {@code https://app.fallom.com} by default
		 * @return this builder
		 */
		public Builder appUrl(String appUrl) {
			Objects.requireNonNull(appUrl, "appUrl must not be null");
			if (!appUrl.startsWith("http://") && !appUrl.startsWith("https://")) {
				throw new IllegalArgumentException("appUrl must be an http or https URL, was " + appUrl);
			}
			this.appUrl = appUrl;
			return this;
		}

		/**
		 * Set the Fallom API key, which datasets and uploads need; {@code null} uploads
		 * nothing. {@code FALLOM_API_KEY} by default.
		 * @param apiKey the key
		 * @return this builder
		 */
		public Builder apiKey(@Nullable String apiKey) {
			this.apiKey = apiKey;
			return this;
		}

		/**
		 * Set the judge, replacing the OpenAI-compatible one.
		 * @param judge the judge
		 * @return this builder
		 */
		public Builder judge(Judge judge) {
			this.judge = Objects.requireNonNull(judge, "judge must not be null");
			return this;
		}

		/**
		 * Set the endpoint of the default judge; OpenRouter with {@code OPENROUTER_API_KEY}
		 * by default.
		 * @param judgeClient the endpoint
		 * @return this builder
		 */
		public Builder judgeClient(OpenAiCompatibleClient judgeClient) {
			this.judgeClient = Objects.requireNonNull(judgeClient, "judgeClient must not be null");
			return this;
		}

		/**
		 * Set the model of the default judge, {@code openai/gpt-4o-mini} by default.
		 * @param judgeModel the model
		 * @return this builder
		 */
		public Builder judgeModel(String judgeModel) {
			if (judgeModel == null || judgeModel.isBlank()) {
				throw new IllegalArgumentException("judgeModel must not be blank");
			}
			this.judgeModel = judgeModel;
			return this;
		}

		/**
		 * Set how many judge and model calls run at once, 8 by default.
		 * @param concurrency at least 1
		 * @return this builder
		 */
		public Builder concurrency(int concurrency) {
			if (concurrency < 1) {
				throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
			}
			this.concurrency = concurrency;
			return this;
		}

		/**
		 * Set how often a call answered 429 or 5xx (or not at all) is retried, 3 by default.
		 * @param maxRetries 0 or more
		 * @return this builder
		 */
		public Builder maxRetries(int maxRetries) {
			if (maxRetries < 0) {
				throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
			}
			this.maxRetries = maxRetries;
			return this;
		}

		/**
		 * Set the back-off between retries: the first wait, doubling up to the longest,
		 * which also caps a server's {@code Retry-After}. 500 ms and 30 s by default.
		 * @param initial the first wait
		 * @param max the longest wait
		 * @return this builder
		 */
		public Builder retryBackoff(Duration initial, Duration max) {
			Objects.requireNonNull(initial, "initial must not be null");
			Objects.requireNonNull(max, "max must not be null");
			if (initial.isNegative() || max.compareTo(initial) < 0) {
				throw new IllegalArgumentException(
						"retry back-off must have 0 <= initial <= max, was " + initial + " and " + max);
			}
			this.initialBackoff = initial;
			this.maxBackoff = max;
			return this;
		}

		/**
		 * Set the most judge and model calls a run makes, retries included; 0 (the
		 * default) for no limit. A run that reaches it returns what it has.
		 * @param maxCalls the limit
		 * @return this builder
		 */
		public Builder maxCalls(int maxCalls) {
			if (maxCalls < 0) {
				throw new IllegalArgumentException("maxCalls must not be negative, was " + maxCalls);
			}
			this.maxCalls = maxCalls;
			return this;
		}

		/**
		 * Set the most dollars a run spends, as the replies' usage reports them; 0 (the
		 * default) for no limit. A run that reaches it returns what it has.
		 * @param maxCost the limit in dollars
		 * @return this builder
		 */
		public Builder maxCost(double maxCost) {
			if (!(maxCost >= 0) || Double.isInfinite(maxCost)) {
				throw new IllegalArgumentException("maxCost must be a finite number >= 0, was " + maxCost);
			}
			this.maxCost = maxCost;
			return this;
		}

		/**
		 * Set a directory where judge answers are cached by judge model and prompt, so that
		 * a re-run of an unchanged eval asks nothing; {@code null} (the default) caches
		 * nothing.
		 * @param cacheDirectory the directory
		 * @return this builder
		 */
		public Builder cacheDirectory(@Nullable Path cacheDirectory) {
			this.cacheDirectory = cacheDirectory;
			return this;
		}

		/**
		 * Set the listener that follows runs; by default a {@link LoggingEvalListener}.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(EvalListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener must not be null");
			return this;
		}

		/**
		 * Set whether runs may upload their results (inputs, outputs, scores and
		 * reasoning) to the Fallom dashboard (default true). False keeps every result in
		 * the process, as privacy mode asks: Spring Boot sets it from
		 * {@code fallom.capture-content}.
		 * @param uploads whether uploads are allowed
		 * @return this builder
		 */
		public Builder uploads(boolean uploads) {
			this.uploads = uploads;
			return this;
		}

		/**
		 * Set a directory where each run writes a JSON and a Markdown report; {@code null}
		 * (the default) writes none.
		 * @param reportDirectory the directory
		 * @return this builder
		 */
		public Builder reportDirectory(@Nullable Path reportDirectory) {
			this.reportDirectory = reportDirectory;
			return this;
		}

		/**
		 * Set the clock of the default run names.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Set the HTTP client of the Fallom app calls.
		 * @param httpClient the client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = Objects.requireNonNull(httpClient, "httpClient must not be null");
			return this;
		}

		private HttpClient httpClient() {
			return (this.httpClient != null) ? this.httpClient
					: HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		}

		/**
		 * Build the evals.
		 * @return the evals
		 */
		public FallomEvals build() {
			return new FallomEvals(this);
		}

	}

}
