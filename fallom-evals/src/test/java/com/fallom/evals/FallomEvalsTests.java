package com.fallom.evals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.Fallom;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;
import com.fallom.test.EvalUploadRecord;
import com.fallom.test.FallomAssertions;
import com.fallom.test.FallomMockEvals.DatasetEntry;
import com.fallom.test.FallomMockServer;
import com.fallom.test.evals.MockJudgeServer;
import com.fallom.test.internal.LoopbackHttpServers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Evaluations and comparisons end to end, over real HTTP, against the project's mock
 * Fallom app and mock judge.
 */
class FallomEvalsTests {

	private FallomMockServer fallom;

	private MockJudgeServer judge;

	private OpenAiCompatibleClient judgeClient;

	@BeforeEach
	void start() {
		this.fallom = FallomMockServer.start();
		this.judge = MockJudgeServer.start();
		this.judgeClient = OpenAiCompatibleClient.builder().baseUrl(this.judge.openAiBaseUrl()).apiKey("sk-judge").build();
	}

	@AfterEach
	void stop() {
		this.judge.close();
		this.fallom.close();
	}

	private FallomEvals.Builder evals() {
		return FallomEvals.builder()
			.appUrl(this.fallom.baseUrl())
			.apiKey(this.fallom.apiKey())
			.judgeClient(this.judgeClient)
			.retryBackoff(Duration.ofMillis(1), Duration.ofMillis(20));
	}

	private static List<EvalItem> items(int count) {
		List<EvalItem> items = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			items.add(EvalItem.of("question " + i, "answer " + i));
		}
		return items;
	}

	@Test
	void evaluatesADatasetFromTheAppAndUploadsTheResultsWithADashboardLink() {
		this.fallom.evals()
			.putDataset("support faq", "Support FAQ", 2, List.of(new DatasetEntry("How?", "Like this.", "Be brief.",
					Map.of("ticket", "T-1")), DatasetEntry.of("Why?", "Because.")));
		this.judge.score("toxicity", 0.9).score("completeness", 0.3);
		EvalRun run = evals().build()
			.evaluate(EvalRequest.dataset("support faq").metrics("toxicity", "completeness").name("Nightly"));
		assertThat(this.fallom.evals().datasetRequests()).singleElement()
			.satisfies((request) -> assertThat(request.path()).isEqualTo("/api/datasets/support%20faq"));
		assertThat(run.results()).hasSize(2);
		assertThat(run.results().get(0).scores()).containsExactly(Map.entry("toxicity", 0.9), Map.entry("completeness", 0.3));
		assertThat(run.upload().uploaded()).isTrue();
		assertThat(run.upload().dashboardUrl()).isEqualTo(this.fallom.baseUrl() + "/evals/run_1");
		EvalUploadRecord upload = this.fallom.evals().uploads().get(0);
		FallomAssertions.assertThat(upload).hasName("Nightly").hasJudgeModel("openai/gpt-4o-mini").hasResultCount(2)
			.hasScore(0, "toxicity", 0.9).hasScore(1, "completeness", 0.3);
		assertThat(upload.results().get(0)).containsEntry("system_message", "Be brief.")
			.containsEntry("metadata", Map.of("ticket", "T-1"));
		EvalSummary.Row toxicity = run.summary().row("production", "toxicity");
		assertThat(toxicity.mean()).isEqualTo(0.9);
		assertThat(toxicity.passRate()).isEqualTo(1.0);
		assertThat(run.summary().row("production", "completeness").passRate()).isEqualTo(0.0);
		assertThat(this.judge.judgeRequests()).allSatisfy((r) -> assertThat(r.authorization()).isEqualTo("Bearer sk-judge"));
	}

	@Test
	void fetchesAVersionOfADatasetWithItsEntries() {
		this.fallom.evals()
			.putDataset("faq", "FAQ", 1, List.of(new DatasetEntry("Old?", "Old.", null, Map.of("v", 1))))
			.putDataset("faq", "FAQ", 2, List.of(DatasetEntry.of("New?", "New.")));
		Dataset dataset = evals().build().dataset("faq", 1);
		assertThat(dataset.name()).isEqualTo("FAQ");
		assertThat(dataset.version()).isEqualTo(1);
		assertThat(dataset.items()).containsExactly(new EvalItem("Old?", "Old.", null, null, null, Map.of("v", 1)));
		assertThat(this.fallom.evals().datasetRequests()).singleElement()
			.satisfies((request) -> assertThat(request.path()).isEqualTo("/api/datasets/faq?version=1"));
	}

	@Test
	void retriesTooManyRequestsAndServerErrorsThenScores() {
		this.judge.failNext(1, 429, Duration.ofSeconds(30)).failNext(1, 503, null);
		EvalRun run = evals().concurrency(1).build().evaluate(EvalRequest.items(items(1)).metrics("bias").upload(false));
		assertThat(run.results().get(0).scores()).containsKey("bias");
		assertThat(run.judgeCalls()).isEqualTo(3);
		assertThat(this.judge.judgeRequests()).hasSize(3);
	}

	@Test
	void recordsAFailedMetricWithItsReasonAndGoesOn() {
		this.judge.failNext(2, 500, null).replyNext("I would rate this 0.79 out of 1.");
		EvalRun run = evals().concurrency(1).maxRetries(1).build()
			.evaluate(EvalRequest.items(items(2)).metrics("toxicity", "bias").upload(false));
		EvalResult first = run.results().get(0);
		assertThat(first.errors()).containsExactly(Map.entry("toxicity", "judge answered HTTP 500"),
				Map.entry("bias", "judge reply is not JSON"));
		assertThat(first.reasoning()).containsEntry("toxicity", "Error: judge answered HTTP 500");
		assertThat(first.scores()).isEmpty();
		assertThat(run.results().get(1).scores()).containsOnlyKeys("toxicity", "bias");
		assertThat(run.summary().row("production", "toxicity").errors()).isEqualTo(1);
		assertThat(run.isComplete()).isTrue();
	}

	@Test
	void doesNotRetryAnAnswerThatIsNoChatCompletion() throws Exception {
		AtomicInteger requests = new AtomicInteger();
		HttpServer html = LoopbackHttpServers.create(0);
		html.createContext("/", (exchange) -> {
			requests.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			byte[] body = "<html><body>Bad gateway</body></html>".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		LoopbackHttpServers.start(html, "html-start");
		try {
			OpenAiCompatibleClient htmlEndpoint = OpenAiCompatibleClient.builder()
				.baseUrl("http://127.0.0.1:" + html.getAddress().getPort() + "/v1")
				.apiKey("sk-x")
				.build();
			EvalRun run = evals().judgeClient(htmlEndpoint).build()
				.evaluate(EvalRequest.items(items(1)).metrics("toxicity").upload(false));
			assertThat(run.results().get(0).errors()).containsEntry("toxicity", "judge reply is not JSON");
			assertThat(requests).hasValue(1);
		}
		finally {
			html.stop(0);
		}
	}

	@Test
	void stopsAtTheCallBudgetWithAPartialResult() {
		EvalRun run = evals().concurrency(1).maxCalls(3).build()
			.evaluate(EvalRequest.items(items(2)).metrics("toxicity", "bias").name("Budget"));
		assertThat(run.isComplete()).isFalse();
		assertThat(run.stopReason()).isEqualTo("budget of 3 calls spent");
		assertThat(this.judge.judgeRequests()).hasSize(3);
		assertThat(run.results().get(1).scores()).containsOnlyKeys("toxicity");
		assertThat(run.results().get(1).notRun()).containsExactly("bias");
		assertThat(run.summary().row("production", "bias").notRun()).isEqualTo(1);
		assertThat(this.fallom.evals().uploads().get(0).results()).hasSize(2);
	}

	@Test
	void stopsAtTheDollarBudget() {
		this.judge.costPerCall(0.01);
		EvalRun run = evals().concurrency(1).maxCost(0.025).build()
			.evaluate(EvalRequest.items(items(5)).metrics("toxicity").upload(false));
		assertThat(run.judgeCalls()).isEqualTo(3);
		assertThat(run.cost()).isEqualTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(run.stopReason()).startsWith("budget of $0.0250 spent");
	}

	@Test
	void answersAnUnchangedReRunFromTheCache(@TempDir Path cache) {
		FallomEvals evals = evals().cacheDirectory(cache).build();
		EvalRun first = evals.evaluate(EvalRequest.items(items(3)).metrics("toxicity", "coherence").upload(false));
		int asked = this.judge.judgeRequests().size();
		EvalRun second = evals.evaluate(EvalRequest.items(items(3)).metrics("toxicity", "coherence").upload(false));
		assertThat(asked).isEqualTo(6);
		assertThat(this.judge.judgeRequests()).hasSize(6);
		assertThat(second.cacheHits()).isEqualTo(6);
		assertThat(second.judgeCalls()).isZero();
		assertThat(second.results()).isEqualTo(first.results());
	}

	@Test
	void neverHasMoreCallsInFlightThanTheConcurrency() {
		this.judge.delay(Duration.ofMillis(20));
		evals().concurrency(4).build().evaluate(EvalRequest.items(items(20)).metrics("toxicity", "bias").upload(false));
		assertThat(this.judge.maxConcurrentRequests()).isBetween(2, 4);
	}

	@Test
	void comparesTheVariantsOfAFallomModelConfig() {
		ModelConfig config = new ModelConfig("summarizer", 3,
				List.of(new ModelVariant("model-a", 50), new ModelVariant("model-b", 30), new ModelVariant("model-a", 20)),
				ConfigOrigin.BOOTSTRAP);
		List<Candidate> candidates = Candidate.variantsOf(config, this.judgeClient::candidate);
		EvalRun run = evals().build()
			.compare(EvalRequest.items(items(2).get(0).withSystemMessage("Be brief."), items(2).get(1)).metrics("answer_relevancy"),
					candidates);
		assertThat(run.resultsByModel().keySet()).containsExactly("production", "model-a", "model-b");
		EvalResult generated = run.resultsByModel().get("model-b").get(0);
		assertThat(generated.output()).startsWith("[model-b] answer to: question 0");
		assertThat(generated.tokensIn()).isEqualTo(100);
		assertThat(generated.scores()).containsKey("answer_relevancy");
		assertThat(this.judge.requests().stream().filter((r) -> !r.judge() && r.model().equals("model-b") && r.body().contains("question 0")).findFirst()
			.orElseThrow().body()).contains("{\"role\":\"system\",\"content\":\"Be brief.\"}");
		EvalUploadRecord upload = this.fallom.evals().uploads().get(0);
		assertThat(upload.results()).hasSize(6);
		assertThat(upload.datasetSize()).isEqualTo(2);
		assertThat(upload.name()).startsWith("Model Comparison ");
	}

	@Test
	void comparesTheVariantsOfAConfigTheFallomEngineSynced() {
		this.fallom.putConfig("summarizer", 2, FallomMockServer.variant("model-x", 70),
				FallomMockServer.variant("model-y", 30));
		try (Fallom engine = Fallom.builder().apiKey(this.fallom.apiKey()).baseUrl(this.fallom.baseUrl()).build()) {
			List<Candidate> candidates = Candidate.variantsOf(engine.models(), "summarizer", this.judgeClient::candidate);
			assertThat(candidates).extracting(Candidate::name).containsExactly("model-x", "model-y");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> Candidate.variantsOf(engine.models(), "unknown", this.judgeClient::candidate))
				.withMessageStartingWith("No model config 'unknown'");
			EvalRun run = evals().build()
				.compare(EvalRequest.items(items(1)).metrics("toxicity").includeProduction(false), candidates);
			assertThat(run.resultsByModel().keySet()).containsExactly("model-x", "model-y");
		}
	}

	@Test
	void recordsAFailedGenerationAndJudgesNothingForIt() {
		this.judge.failNext(1, 400, null);
		EvalRun run = evals().concurrency(1).build()
			.compare(EvalRequest.items(items(1)).metrics("toxicity").includeProduction(false),
					List.of(this.judgeClient.candidate("m1")));
		EvalResult result = run.results().get(0);
		assertThat(result.generationError()).isEqualTo("model 'm1' answered HTTP 400");
		assertThat(result.output()).isEqualTo("Error: model 'm1' answered HTTP 400");
		assertThat(result.reasoning()).containsExactly(Map.entry("error", "model 'm1' answered HTTP 400"));
		assertThat(this.judge.judgeRequests()).isEmpty();
	}

	@Test
	void rejectsBadInputBeforeAnyRequest() {
		FallomEvals evals = evals().build();
		assertThatIllegalArgumentException().isThrownBy(() -> evals.evaluate(EvalRequest.dataset("faq").metrics("fluency")))
			.withMessageStartingWith("Invalid metric: fluency. Available: answer_relevancy");
		assertThatIllegalArgumentException().isThrownBy(() -> Metric.custom("brand", "Brand - on brand?", List.of()))
			.withMessage("Metric 'brand' needs at least one evaluation step");
		assertThatIllegalArgumentException().isThrownBy(() -> Metric.custom("brand", " ", List.of("a")))
			.withMessage("Metric 'brand' needs criteria");
		assertThatIllegalArgumentException().isThrownBy(() -> Metric.custom("toxicity", "T - t", List.of("a")))
			.withMessageContaining("has the name of a built-in metric");
		assertThatIllegalArgumentException().isThrownBy(() -> FallomEvals.builder().concurrency(0))
			.withMessage("concurrency must be at least 1, was 0");
		OpenAiCompatibleClient keyless = OpenAiCompatibleClient.builder().apiKey(null).build();
		FallomEvals withoutJudgeKey = evals().judgeClient(keyless).build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> withoutJudgeKey.evaluate(EvalRequest.dataset("faq").metrics("toxicity")))
			.withMessageContaining("OPENROUTER_API_KEY");
		FallomEvals withoutFallomKey = evals().apiKey(null).build();
		assertThatIllegalArgumentException().isThrownBy(() -> withoutFallomKey.evaluate(EvalRequest.dataset("faq")))
			.withMessageContaining("needs a Fallom API key");
		assertThat(this.fallom.requests()).isEmpty();
		assertThat(this.judge.requests()).isEmpty();
	}

	@Test
	void failsANotFoundOrForbiddenDatasetNamingItsKey() {
		this.fallom.evals().datasetStatus("secret", 403);
		FallomEvals evals = evals().build();
		assertThatExceptionOfType(DatasetException.class).isThrownBy(() -> evals.evaluate(EvalRequest.dataset("nope")))
			.withMessage("Dataset 'nope' not found")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404));
		assertThatExceptionOfType(DatasetException.class).isThrownBy(() -> evals.dataset("secret"))
			.withMessage("Access denied to dataset 'secret' (HTTP 403)");
		assertThat(this.judge.requests()).isEmpty();
	}

	@Test
	void returnsTheResultsWhenTheUploadFailsAndTheReportSaysSo(@TempDir Path reports) throws Exception {
		this.fallom.evals().uploadStatus(500);
		EvalRun run = evals().reportDirectory(reports).build()
			.evaluate(EvalRequest.items(items(2)).metrics("toxicity").name("Upload fails"));
		assertThat(run.results()).hasSize(2).allSatisfy((r) -> assertThat(r.scores()).containsKey("toxicity"));
		assertThat(run.upload().uploaded()).isFalse();
		assertThat(run.upload().error()).isEqualTo("Upload failed: HTTP 500");
		assertThat(run.reportFiles()).hasSize(2);
		String markdown = Files.readString(run.reportFiles().get(1));
		assertThat(markdown).contains("# Upload fails", "not uploaded (Upload failed: HTTP 500)",
				"| production | toxicity |");
		String json = Files.readString(run.reportFiles().get(0));
		assertThat(json).contains("\"uploaded\" : false").doesNotContain(this.fallom.apiKey());
	}

	@Test
	void logsAFailedUploadOnceWithoutAnyKey() {
		ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger(FallomEvals.class);
		ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.read.ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			this.fallom.evals().uploadStatus(503);
			EvalRun run = evals().build().evaluate(EvalRequest.items(items(3)).metrics("toxicity").name("Logged"));
			assertThat(run.upload().uploaded()).isFalse();
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
				assertThat(event.getFormattedMessage()).contains("'Logged'", "HTTP 503")
					.doesNotContain(this.fallom.apiKey(), "sk-judge");
			});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void tellsTheListenerTheProgressUpToTheEnd() {
		List<EvalProgress> progress = new CopyOnWriteArrayList<>();
		List<EvalRun> finished = new CopyOnWriteArrayList<>();
		EvalListener listener = new EvalListener() {

			@Override
			public void onProgress(EvalProgress p) {
				progress.add(p);
			}

			@Override
			public void onFinish(EvalRun run) {
				finished.add(run);
			}

		};
		evals().listener(listener).build().evaluate(EvalRequest.items(items(3)).metrics("toxicity", "bias").upload(false));
		assertThat(progress).hasSize(6);
		assertThat(progress).extracting(EvalProgress::done).contains(6);
		assertThat(progress).allSatisfy((p) -> assertThat(p.total()).isEqualTo(6));
		assertThat(finished).hasSize(1);
	}

	@Test
	void evaluatesEveryBuiltInMetricWhenNoneIsNamed() {
		EvalRun run = evals().build().evaluate(EvalRequest.items(items(1)).upload(false));
		assertThat(run.results().get(0).scores()).containsOnlyKeys("answer_relevancy", "hallucination", "toxicity",
				"faithfulness", "completeness", "coherence", "bias");
	}

}
