package com.fallom.test.evals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fallom.test.internal.LoopbackHttpServers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A mock LLM judge: an OpenAI-compatible {@code POST .../chat/completions} on
 * {@code 127.0.0.1} that answers G-Eval prompts with deterministic scores, so that evals
 * are tested without a model. By default a prompt's score is the one the Fallom eval
 * vectors' fake judge gives (a hash of seed, model and prompt); {@link #score(String, double)}
 * fixes the score of a metric. Any other chat (a candidate model in a comparison) gets a
 * deterministic answer. Faults, delays and Retry-After are injectable; every request is
 * recorded. <pre class="code">
 * try (MockJudgeServer judge = MockJudgeServer.start()) {
 *     judge.score("toxicity", 0.9);
 *     // point the judge at judge.openAiBaseUrl() ...
 * }
 * </pre>
 */
public final class MockJudgeServer implements AutoCloseable {

	/** The seed of the eval vectors' fake judge. */
	public static final int VECTORS_SEED = 11;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String JUDGE_PROMPT_START = "You are an expert evaluator";

	private static final Pattern CRITERIA = Pattern.compile("## Evaluation Criteria\\n(.*?)\\n", Pattern.DOTALL);

	private static final Pattern STEP = Pattern.compile("(?m)^\\d+\\. ");

	private static final Map<String, String> TITLES = Map.of("answer_relevancy", "Answer Relevancy", "hallucination",
			"Hallucination Detection", "toxicity", "Toxicity Detection", "faithfulness", "Faithfulness",
			"completeness", "Completeness", "coherence", "Coherence", "bias", "Bias Detection");

	private static final AtomicInteger serverNumber = new AtomicInteger();

	static {
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final HttpServer server;

	private final ExecutorService executor;

	private final CountDownLatch closing = new CountDownLatch(1);

	private final Map<String, Double> scoresByTitle = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private final List<JudgeRequest> requests = new ArrayList<>();

	private final Deque<Fault> faults = new ArrayDeque<>();

	private volatile int seed = VECTORS_SEED;

	private volatile Duration delay = Duration.ZERO;

	private volatile @Nullable Double costPerCall;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private MockJudgeServer() throws IOException {
		this.server = LoopbackHttpServers.create(0);
		int number = serverNumber.incrementAndGet();
		AtomicInteger threads = new AtomicInteger();
		// A thread per request in flight: a delayed answer must not hold up the others
		this.executor = new ThreadPoolExecutor(0, 512, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), (task) -> {
			Thread thread = new Thread(task, "mock-judge-" + number + "-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
	}

	/**
	 * Start a judge on a random free port.
	 * @return the running judge
	 */
	public static MockJudgeServer start() {
		try {
			MockJudgeServer judge = new MockJudgeServer();
			LoopbackHttpServers.start(judge.server, "mock-judge-start");
			return judge;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the mock judge", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting the mock judge", ex);
		}
	}

	/**
	 * Return the base URL an OpenAI-compatible client appends {@code /chat/completions} to.
	 * @return e.g. {@code http://127.0.0.1:54321/v1}
	 */
	public String openAiBaseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	/**
	 * Fix the score of a metric: a built-in name such as {@code toxicity}, or the title of a
	 * custom metric's criteria (the text before {@code " - "}).
	 * @param metric the metric
	 * @param score the score to answer
	 * @return this judge
	 */
	public MockJudgeServer score(String metric, double score) {
		Objects.requireNonNull(metric, "metric must not be null");
		this.scoresByTitle.put(TITLES.getOrDefault(metric, metric), score);
		return this;
	}

	/**
	 * Set the seed of the hashed default scores; {@link #VECTORS_SEED} by default.
	 * @param seed the seed
	 * @return this judge
	 */
	public MockJudgeServer seed(int seed) {
		this.seed = seed;
		return this;
	}

	/**
	 * Answer every request after a delay, e.g. to measure concurrency.
	 * @param delay the delay
	 * @return this judge
	 */
	public MockJudgeServer delay(Duration delay) {
		this.delay = Objects.requireNonNull(delay, "delay must not be null");
		return this;
	}

	/**
	 * Report a cost in every reply's {@code usage.cost}.
	 * @param dollars the cost of a call, or {@code null} for none
	 * @return this judge
	 */
	public MockJudgeServer costPerCall(@Nullable Double dollars) {
		this.costPerCall = dollars;
		return this;
	}

	/**
	 * Answer the next requests with an HTTP error.
	 * @param times how many requests
	 * @param status the status, e.g. 429
	 * @param retryAfter the {@code Retry-After} header, or {@code null}
	 * @return this judge
	 */
	public MockJudgeServer failNext(int times, int status, @Nullable Duration retryAfter) {
		synchronized (this.lock) {
			for (int i = 0; i < times; i++) {
				this.faults.add(new Fault(status, retryAfter, null));
			}
		}
		return this;
	}

	/**
	 * Answer the next request with this message content instead of a verdict, e.g. text
	 * that is not JSON.
	 * @param content the content
	 * @return this judge
	 */
	public MockJudgeServer replyNext(String content) {
		synchronized (this.lock) {
			this.faults.add(new Fault(200, null, content));
		}
		return this;
	}

	/**
	 * Return every request received, judge prompts and model chats.
	 * @return the requests in arrival order
	 */
	public List<JudgeRequest> requests() {
		synchronized (this.lock) {
			return List.copyOf(this.requests);
		}
	}

	/**
	 * Return the G-Eval prompts received.
	 * @return the judge requests in arrival order
	 */
	public List<JudgeRequest> judgeRequests() {
		return requests().stream().filter(JudgeRequest::judge).toList();
	}

	/**
	 * Return the most requests that were in flight at once.
	 * @return the peak concurrency
	 */
	public int maxConcurrentRequests() {
		return this.maxInFlight.get();
	}

	/**
	 * Forget the recorded requests and the peak concurrency.
	 */
	public void reset() {
		synchronized (this.lock) {
			this.requests.clear();
			this.faults.clear();
		}
		this.maxInFlight.set(0);
	}

	/**
	 * Return the verdict this judge gives a prompt when no score is fixed: the eval vectors'
	 * fake judge.
	 * @param model the judge model
	 * @param prompt the prompt
	 * @return the score
	 */
	public double hashedScore(String model, String prompt) {
		return (Long.parseLong(hash(model, prompt).substring(0, 8), 16) % 101) / 100.0;
	}

	@Override
	public void close() {
		this.closing.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		int now = this.inFlight.incrementAndGet();
		this.maxInFlight.accumulateAndGet(now, Math::max);
		boolean counted = true;
		try (exchange) {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			if (!exchange.getRequestMethod().equals("POST")
					|| !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
				exchange.sendResponseHeaders(404, -1);
				return;
			}
			JsonNode request = mapper.readTree(body);
			String model = request.path("model").asString("");
			JsonNode messages = request.path("messages");
			String first = messages.path(0).path("content").asString("");
			boolean judge = messages.size() == 1 && first.startsWith(JUDGE_PROMPT_START);
			Fault fault;
			synchronized (this.lock) {
				this.requests.add(new JudgeRequest(model, judge ? first : null, new String(body, StandardCharsets.UTF_8),
						exchange.getRequestHeaders().getFirst("Authorization"), judge));
				fault = this.faults.poll();
			}
			if (!this.delay.isZero() && this.closing.await(this.delay.toNanos(), TimeUnit.NANOSECONDS)) {
				return;
			}
			// Done before the answer goes out: a client may send its next request as soon as it has it
			this.inFlight.decrementAndGet();
			counted = false;
			if (fault != null && fault.status() != 200) {
				if (fault.retryAfter() != null) {
					exchange.getResponseHeaders().set("Retry-After", String.valueOf(fault.retryAfter().toSeconds()));
				}
				send(exchange, fault.status(), "{\"error\":{\"message\":\"Injected fault\",\"code\":" + fault.status() + "}}");
				return;
			}
			String content;
			if (fault != null) {
				content = fault.content();
			}
			else if (judge) {
				content = verdict(model, first);
			}
			else {
				content = "[" + model + "] answer to: " + messages.path(messages.size() - 1).path("content").asString("")
						+ " (ref " + hash(model, messages.toString()).substring(0, 8) + ")";
			}
			send(exchange, 200, completion(model, content));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			if (counted) {
				this.inFlight.decrementAndGet();
			}
		}
	}

	private String verdict(String model, String prompt) {
		Matcher criteria = CRITERIA.matcher(prompt);
		String criteriaText = criteria.find() ? criteria.group(1) : "";
		int dash = criteriaText.indexOf(" - ");
		String title = (dash >= 0) ? criteriaText.substring(0, dash) : criteriaText;
		String hash = hash(model, prompt);
		Double fixed = this.scoresByTitle.get(title);
		double score = (fixed != null) ? fixed : hashedScore(model, prompt);
		String steps = prompt.substring(prompt.indexOf("## Evaluation Steps"), prompt.indexOf("## Content to Evaluate"));
		int stepCount = (int) STEP.matcher(steps).results().count();
		ObjectNode reply = mapper.createObjectNode();
		ArrayNode reasoningSteps = reply.putArray("reasoning_steps");
		for (int i = 1; i <= stepCount; i++) {
			reasoningSteps.add("step " + i + " checked");
		}
		reply.put("overall_reasoning", title + ": " + verdictWord(score) + " (fake judge " + hash.substring(0, 10) + ")");
		reply.put("score", score);
		return mapper.writeValueAsString(reply);
	}

	private static String verdictWord(double score) {
		if (score >= 0.9) {
			return "excellent ✓";
		}
		if (score >= 0.7) {
			return "good";
		}
		if (score >= 0.45) {
			return "acceptable";
		}
		return (score >= 0.2) ? "weak" : "poor";
	}

	private String completion(String model, @Nullable String content) {
		ObjectNode reply = mapper.createObjectNode();
		reply.put("id", "gen-mock");
		reply.put("object", "chat.completion");
		reply.put("model", model);
		ObjectNode choice = reply.putArray("choices").addObject();
		choice.put("index", 0);
		choice.put("finish_reason", "stop");
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		message.put("content", content);
		ObjectNode usage = reply.putObject("usage");
		usage.put("prompt_tokens", 100);
		usage.put("completion_tokens", 20);
		usage.put("total_tokens", 120);
		Double cost = this.costPerCall;
		if (cost != null) {
			usage.put("cost", cost);
		}
		return mapper.writeValueAsString(reply);
	}

	private String hash(String model, String prompt) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] bytes = (this.seed + "\0" + model + "\0" + prompt).getBytes(StandardCharsets.UTF_8);
			return HexFormat.of().formatHex(digest.digest(bytes)).toLowerCase(Locale.ROOT);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public String toString() {
		return "MockJudgeServer[" + openAiBaseUrl() + "]";
	}

	private record Fault(int status, @Nullable Duration retryAfter, @Nullable String content) {

	}

	/**
	 * A request the judge received.
	 *
	 * @param model the model asked
	 * @param prompt the G-Eval prompt, or {@code null} for a model chat
	 * @param body the raw JSON body
	 * @param authorization the {@code Authorization} header, or {@code null}
	 * @param judge whether it was a G-Eval prompt
	 */
	public record JudgeRequest(String model, @Nullable String prompt, String body, @Nullable String authorization,
			boolean judge) {

	}

}
