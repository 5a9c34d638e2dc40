package com.fallom.evals;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Drives every TypeScript scenario of {@code eval-vectors.json} through the Java API against
 * a fake that replays the recorded responses in order, and compares each request (judge
 * bodies exactly, the prompt string included; model bodies; the dataset GET; the upload
 * modulo the volatile fields) and the returned scores and reasoning. The differences on
 * purpose (docs/evals.md) are normalised here and nowhere else: error texts, and no retry.
 */
class TypeScriptConformanceTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private static final JsonNode vectors = load();

	private static JsonNode load() {
		try (InputStream in = TypeScriptConformanceTests.class.getResourceAsStream("/eval-vectors.json")) {
			return mapper.readTree(in);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Stream<Arguments> scenarios() {
		List<Arguments> scenarios = new ArrayList<>();
		for (JsonNode scenario : vectors.get("scenarios")) {
			if (scenario.get("sdk").asString().equals("typescript")) {
				scenarios.add(Arguments.of(scenario.get("name").asString(), scenario));
			}
		}
		assertThat(scenarios).hasSize(14);
		return scenarios.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void javaSendsWhatTheTypeScriptSdkSendsAndReturnsItsScores(String name, JsonNode scenario) throws Exception {
		List<JsonNode> expected = new ArrayList<>();
		for (String kind : List.of("judge_requests", "model_requests", "fallom_requests")) {
			scenario.get(kind).forEach(expected::add);
		}
		expected.sort(Comparator.comparingInt((request) -> request.get("seq").asInt()));
		List<JsonNode> responses = expected.stream().map((request) -> request.get("response")).toList();
		JsonNode labels = vectors.get("fake_servers").get("key_labels");
		JsonNode inputs = scenario.get("inputs");
		JsonNode args = inputs.get("args");
		try (ReplayServer fake = new ReplayServer(responses)) {
			String judgeKey = inputs.get("op").asString().equals("run_geval") ? args.get("openrouter_key").asString()
					: keyFor(labels, inputs.get("env").get("OPENROUTER_API_KEY").asString());
			OpenAiCompatibleClient openRouter = OpenAiCompatibleClient.builder()
				.baseUrl(fake.url() + "/api/v1")
				.apiKey(judgeKey)
				.build();
			JsonNode init = inputs.get("init");
			FallomEvals.Builder builder = FallomEvals.builder()
				.appUrl(fake.url())
				.apiKey((init != null && !init.isNull()) ? init.get("api_key").asString() : null)
				.judgeClient(openRouter)
				.concurrency(1)
				.maxRetries(0);
			if (args.has("judge_model")) {
				builder.judgeModel(args.get("judge_model").asString());
			}
			FallomEvals evals = builder.build();
			JsonNode raised = scenario.get("raised");
			if (raised != null && !raised.isNull()) {
				assertThatIllegalArgumentException().isThrownBy(() -> run(evals, openRouter, args, inputs))
					.withMessageStartingWith("Invalid metric: fluency. Available: answer_relevancy, hallucination, "
							+ "toxicity, faithfulness, completeness, coherence, bias.");
				assertThat(fake.received()).isEmpty();
				return;
			}
			EvalRun run = run(evals, openRouter, args, inputs);
			List<ReplayServer.Received> received = fake.received();
			assertThat(received).hasSameSizeAs(expected);
			for (int i = 0; i < expected.size(); i++) {
				assertSame(expected.get(i), received.get(i), labels, scenario);
			}
			assertReturned(scenario.get("returned"), run, inputs.get("op").asString());
			if (scenario.get("fallom_requests").findValues("kind").stream().anyMatch((k) -> k.asString().equals("upload"))) {
				assertThat(run.upload().uploaded()).isTrue();
				assertThat(run.upload().dashboardUrl()).isEqualTo(fake.url() + "/evals/" + scenario.get("fake_setup").get("upload_run_id").asString());
			}
			else {
				assertThat(run.upload().uploaded()).isFalse();
			}
		}
	}

	private static String keyFor(JsonNode labels, String label) {
		for (Map.Entry<String, JsonNode> entry : labels.properties()) {
			if (entry.getValue().asString().equals(label)) {
				return entry.getKey();
			}
		}
		throw new IllegalStateException("No key labelled " + label);
	}

	private static EvalRun run(FallomEvals evals, OpenAiCompatibleClient openRouter, JsonNode args, JsonNode inputs) {
		String op = inputs.get("op").asString();
		if (op.equals("run_geval")) {
			EvalItem item = EvalItem.of(args.get("input_text").asString(), args.get("output_text").asString())
				.withSystemMessage(args.get("system_message").asString());
			return evals.evaluate(EvalRequest.items(item).metrics(args.get("metric").asString()).upload(false));
		}
		EvalRequest request;
		if (args.has("test_cases")) {
			List<EvalItem> items = new ArrayList<>();
			for (JsonNode testCase : args.get("test_cases")) {
				items.add(new EvalItem(testCase.get("input").asString(), testCase.get("actual_output").asString(),
						text(testCase, "system_message"), text(testCase, "expected_output"),
						testCase.has("context") ? mapper.treeToValue(testCase.get("context"), List.class) : null,
						testCase.has("metadata") ? mapper.treeToValue(testCase.get("metadata"), MAP) : null));
			}
			request = EvalRequest.items(items);
		}
		else if (args.get("dataset").isString()) {
			request = EvalRequest.dataset(args.get("dataset").asString());
		}
		else {
			List<EvalItem> items = new ArrayList<>();
			for (JsonNode item : args.get("dataset")) {
				items.add(new EvalItem(item.get("input").asString(), text(item, "output"), text(item, "system_message"),
						null, null, item.has("metadata") ? mapper.treeToValue(item.get("metadata"), MAP) : null));
			}
			request = EvalRequest.items(items);
		}
		if (args.has("metrics")) {
			List<Object> metrics = new ArrayList<>();
			for (JsonNode metric : args.get("metrics")) {
				if (metric.isString()) {
					metrics.add(metric.asString());
				}
				else {
					JsonNode custom = metric.get("custom");
					List<String> steps = new ArrayList<>();
					custom.get("steps").forEach((step) -> steps.add(step.asString()));
					metrics.add(Metric.custom(custom.get("name").asString(), custom.get("criteria").asString(), steps));
				}
			}
			request.metrics(metrics);
		}
		request.judgeContext(text(args, "judge_context")).name(text(args, "name")).description(text(args, "description"));
		if (op.equals("compare_models")) {
			Map<String, Object> options = args.has("model_kwargs") ? mapper.treeToValue(args.get("model_kwargs"), MAP)
					: Map.of();
			List<Candidate> candidates = new ArrayList<>();
			for (JsonNode model : args.get("models")) {
				String slug = model.isString() ? model.asString() : model.get("model_object").get("name").asString();
				candidates.add(openRouter.candidate(slug, options));
			}
			if (args.has("include_production")) {
				request.includeProduction(args.get("include_production").asBoolean());
			}
			return evals.compare(request, candidates);
		}
		return evals.evaluate(request);
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	private static void assertSame(JsonNode expected, ReplayServer.Received actual, JsonNode labels, JsonNode scenario) {
		String kind = expected.get("kind").asString();
		assertThat(actual.method()).as(kind).isEqualTo(expected.get("method").asString());
		assertThat(actual.path()).as(kind).isEqualTo(expected.get("path").asString());
		assertThat(actual.query()).as(kind).isNull();
		String authorization = expected.get("headers").get("authorization").asString();
		String label = authorization.substring("Bearer ".length());
		assertThat(actual.headers().get("authorization")).as(kind).isEqualTo("Bearer " + keyFor(labels, label));
		assertThat(actual.headers().get("content-type")).as(kind).startsWith("application/json");
		if (expected.get("method").asString().equals("GET")) {
			assertThat(actual.body()).isEmpty();
			return;
		}
		JsonNode body = mapper.readTree(actual.body());
		JsonNode expectedBody = expected.get("body");
		if (kind.equals("judge")) {
			// The key check: the prompt, byte for byte
			assertThat(body.get("messages").get(0).get("content").asString())
				.isEqualTo(expectedBody.get("messages").get(0).get("content").asString());
			assertThat(body).isEqualTo(expectedBody);
		}
		else if (kind.equals("upload")) {
			assertThat(normalise(body)).isEqualTo(normalise(expectedBody));
			if (!scenario.get("inputs").get("args").has("name")) {
				assertThat(body.get("name").asString()).matches("^(Production Eval|Model Comparison) \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$");
			}
			assertThat(new ArrayList<>(body.propertyNames())).isEqualTo(new ArrayList<>(expectedBody.propertyNames()));
		}
		else {
			assertThat(body).as(kind).isEqualTo(expectedBody);
		}
	}

	/**
	 * Remove what differs on purpose or by the clock: the default name, latencies, and the
	 * wording of error texts (Java does not double the "Error: " prefix nor quote reason phrases).
	 */
	private static JsonNode normalise(JsonNode upload) {
		ObjectNode copy = (ObjectNode) upload.deepCopy();
		copy.put("name", copy.get("name").asString().replaceAll("^(Production Eval|Model Comparison) \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$", "$1 <time>"));
		for (JsonNode result : copy.get("results")) {
			ObjectNode row = (ObjectNode) result;
			row.remove("latency_ms");
			normaliseErrors(row);
		}
		return copy;
	}

	private static void normaliseErrors(ObjectNode row) {
		if (row.has("output") && row.get("output").isString() && row.get("output").asString().startsWith("Error: ")) {
			row.put("output", "Error: <reason>");
		}
		JsonNode reasoning = row.get("reasoning");
		if (reasoning instanceof ObjectNode reasons) {
			for (Iterator<Map.Entry<String, JsonNode>> it = reasons.properties().iterator(); it.hasNext();) {
				Map.Entry<String, JsonNode> entry = it.next();
				if (entry.getKey().equals("error") || entry.getValue().asString().startsWith("Error: ")) {
					entry.setValue(StringNode.valueOf("Error: <reason>"));
				}
			}
		}
	}

	private static void assertReturned(JsonNode returned, EvalRun run, String op) {
		if (op.equals("run_geval")) {
			EvalResult result = run.results().get(0);
			String metric = result.scores().keySet().iterator().next();
			assertThat(result.scores().get(metric)).isEqualTo(returned.get("score").asDouble());
			assertThat(result.reasoning().get(metric)).isEqualTo(returned.get("reasoning").asString());
			return;
		}
		Map<String, JsonNode> expectedByModel = new LinkedHashMap<>();
		if (returned.isArray()) {
			expectedByModel.put(FallomEvals.PRODUCTION, returned);
		}
		else {
			returned.properties().forEach((entry) -> expectedByModel.put(entry.getKey(), entry.getValue()));
		}
		assertThat(run.resultsByModel().keySet()).containsExactlyElementsOf(expectedByModel.keySet());
		expectedByModel.forEach((model, expectedResults) -> {
			List<EvalResult> results = run.resultsByModel().get(model);
			assertThat(results).hasSize(expectedResults.size());
			for (int i = 0; i < results.size(); i++) {
				EvalResult result = results.get(i);
				JsonNode expected = expectedResults.get(i);
				assertThat(result.input()).isEqualTo(expected.get("input").asString());
				assertThat(result.model()).isEqualTo(expected.get("model").asString());
				assertThat(result.production()).isEqualTo(expected.get("isProduction").asBoolean());
				assertThat(result.systemMessage()).isEqualTo(text(expected, "systemMessage"));
				ObjectNode expectedRow = mapper.createObjectNode();
				expectedRow.set("output", expected.get("output"));
				expectedRow.set("reasoning", expected.get("reasoning"));
				normaliseErrors(expectedRow);
				ObjectNode actualRow = mapper.createObjectNode();
				actualRow.put("output", result.output());
				actualRow.set("reasoning", mapper.valueToTree(result.reasoning()));
				normaliseErrors(actualRow);
				assertThat(actualRow).isEqualTo(expectedRow);
				Map<String, Double> expectedScores = new LinkedHashMap<>();
				for (String metric : result.reasoning().keySet()) {
					String field = metric.equals("answer_relevancy") ? "answerRelevancy" : metric;
					if (expected.has(field)) {
						expectedScores.put(metric, expected.get(field).asDouble());
					}
				}
				assertThat(result.scores()).isEqualTo(expectedScores);
				if (!result.production() && result.generationError() == null) {
					assertThat(result.tokensIn()).isEqualTo(expected.get("tokensIn").asInt());
					assertThat(result.tokensOut()).isEqualTo(expected.get("tokensOut").asInt());
					assertThat(result.cost()).isEqualTo(expected.get("cost").asDouble());
				}
			}
		});
	}

}
