package com.fallom.test.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.test.internal.LoopbackHttpServers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A mock LLM provider: a real HTTP server on {@code 127.0.0.1} that answers OpenAI Chat
 * Completions ({@code POST /v1/chat/completions}) and Anthropic Messages
 * ({@code POST /v1/messages}) with scripted {@link ProviderReply replies}, as JSON or as a
 * server-sent event stream when the request has {@code "stream": true}, and records every
 * request it receives.
 * <p>
 * Point a real provider client at it, with any API key: <pre class="code">
 * try (MockProviderServer provider = MockProviderServer.start()) {
 *     provider.enqueue(ProviderReply.toolCall("order_status", "{\"id\":\"42\"}"),
 *             ProviderReply.text("Your order has shipped."));
 *     // OpenAI SDK, Spring AI OpenAI, LangChain4j OpenAI: baseUrl = provider.openAiBaseUrl()
 *     // Anthropic SDK, Spring AI Anthropic: baseUrl = provider.anthropicBaseUrl()
 *     // LangChain4j Anthropic: baseUrl = provider.anthropicV1BaseUrl()
 *     assertThat(provider.requests()).hasSize(2);
 * }
 * </pre> Each request takes the next {@link #enqueue(ProviderReply...) queued} reply, or
 * the {@link #defaultReply(ProviderReply) default reply} when the queue is empty. The
 * response echoes the request's model unless the reply names
 * {@link ProviderReply#responseModel(String) another}. Streams end as the providers' do:
 * OpenAI sends the usage in a last chunk when {@code stream_options.include_usage} is
 * true, then {@code data: [DONE]}; Anthropic sends {@code message_start} … {@code
 * message_delta} (with the usage) and {@code message_stop}. The API key is not checked.
 * <p>
 * All methods are thread-safe. Requests are served by a small pool of daemon threads,
 * so a delayed reply does not hold up the others.
 *
 * @see MockProviderServerExtension
 */
public final class MockProviderServer implements AutoCloseable {

	/**
	 * The text of the default reply until {@link #defaultReply(ProviderReply)} sets
	 * another.
	 */
	public static final String DEFAULT_TEXT = "Hello from the mock provider.";

	private static final System.Logger logger = System.getLogger(MockProviderServer.class.getName());

	private static final int THREADS = 8;

	private static final int ARGUMENT_PIECE_LENGTH = 12;

	private static final AtomicInteger threadNumber = new AtomicInteger();

	private static final String JSON = "application/json";

	static {
		// As in FallomMockServer: without TCP_NODELAY every streamed chunk waits for the
		// client's delayed ACK. Read once, when the JDK server's configuration loads.
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final JsonMapper mapper = JsonMapper.shared();

	private final HttpServer httpServer;

	private final ExecutorService executor;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Released on close so that requests waiting in a delay end at once.
	 */
	private final CountDownLatch closing = new CountDownLatch(1);

	private final AtomicInteger ids = new AtomicInteger();

	private final Object lock = new Object();

	private final Deque<ProviderReply> replies = new ArrayDeque<>();

	private final List<ProviderRequest> requests = new ArrayList<>();

	private ProviderReply defaultReply = ProviderReply.text(DEFAULT_TEXT);

	private MockProviderServer(int port) throws IOException {
		this.httpServer = LoopbackHttpServers.create(port);
		this.executor = Executors.newFixedThreadPool(THREADS, (task) -> {
			Thread thread = new Thread(task, "mock-provider-" + threadNumber.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.httpServer.setExecutor(this.executor);
		this.httpServer.createContext("/", this::handle);
	}

	/**
	 * Start a server on a random free port.
	 * @return the running server
	 */
	public static MockProviderServer start() {
		return start(0);
	}

	/**
	 * Start a server.
	 * @param port the port to listen on, {@code 0} for a random free port
	 * @return the running server
	 * @throws UncheckedIOException if the port cannot be bound
	 */
	public static MockProviderServer start(int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Port must be between 0 and 65535, was " + port);
		}
		MockProviderServer server;
		try {
			server = new MockProviderServer(port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the mock provider server on port " + port, ex);
		}
		server.startDispatcher();
		return server;
	}

	private void startDispatcher() {
		try {
			LoopbackHttpServers.start(this.httpServer, "mock-provider-start");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
			throw new IllegalStateException("Interrupted while starting the mock provider server", ex);
		}
	}

	/**
	 * Return the root URL of the server, without a trailing slash.
	 * @return the root URL, e.g. {@code http://127.0.0.1:54321}
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Return the base URL for OpenAI clients, which append {@code /chat/completions}:
	 * the official OpenAI Java SDK (and Spring AI's OpenAI model on it) and LangChain4j's
	 * {@code OpenAiChatModel}.
	 * @return the base URL, ending in {@code /v1}
	 */
	public String openAiBaseUrl() {
		return baseUrl() + "/v1";
	}

	/**
	 * Return the base URL for clients that append {@code /v1/messages}: the official
	 * Anthropic Java SDK and Spring AI's Anthropic model on it.
	 * @return the base URL, the same as {@link #baseUrl()}
	 */
	public String anthropicBaseUrl() {
		return baseUrl();
	}

	/**
	 * Return the base URL for Anthropic clients that append only {@code /messages}, such
	 * as LangChain4j's {@code AnthropicChatModel} (whose default is
	 * {@code https://api.anthropic.com/v1/}).
	 * @return the base URL, ending in {@code /v1}
	 */
	public String anthropicV1BaseUrl() {
		return baseUrl() + "/v1";
	}

	/**
	 * Return the port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.httpServer.getAddress().getPort();
	}

	// Script

	/**
	 * Queue replies; each request takes the next one.
	 * @param replies the replies in the order to send them
	 * @return this server
	 */
	public MockProviderServer enqueue(ProviderReply... replies) {
		Objects.requireNonNull(replies, "replies must not be null");
		synchronized (this.lock) {
			for (ProviderReply reply : replies) {
				this.replies.add(Objects.requireNonNull(reply, "reply must not be null"));
			}
		}
		return this;
	}

	/**
	 * Set the reply to requests that find the queue empty. Until set, it is the text
	 * {@value #DEFAULT_TEXT}.
	 * @param reply the default reply
	 * @return this server
	 */
	public MockProviderServer defaultReply(ProviderReply reply) {
		Objects.requireNonNull(reply, "reply must not be null");
		synchronized (this.lock) {
			this.defaultReply = reply;
		}
		return this;
	}

	/**
	 * Return how many queued replies no request has taken yet.
	 * @return the number of queued replies
	 */
	public int pendingReplies() {
		synchronized (this.lock) {
			return this.replies.size();
		}
	}

	// Recordings

	/**
	 * Return every request received, on any path.
	 * @return the requests in arrival order
	 */
	public List<ProviderRequest> requests() {
		synchronized (this.lock) {
			return List.copyOf(this.requests);
		}
	}

	/**
	 * Return the requests received by one API.
	 * @param api the API
	 * @return the requests in arrival order
	 */
	public List<ProviderRequest> requests(ProviderApi api) {
		Objects.requireNonNull(api, "api must not be null");
		synchronized (this.lock) {
			return this.requests.stream().filter((request) -> request.api() == api).toList();
		}
	}

	/**
	 * Return the last request received.
	 * @return the last request
	 * @throws IllegalStateException if no request has arrived
	 */
	public ProviderRequest lastRequest() {
		synchronized (this.lock) {
			if (this.requests.isEmpty()) {
				throw new IllegalStateException("The mock provider has received no request");
			}
			return this.requests.get(this.requests.size() - 1);
		}
	}

	/**
	 * Forget every recorded request and queued reply, and restore the default reply.
	 */
	public void reset() {
		synchronized (this.lock) {
			this.requests.clear();
			this.replies.clear();
			this.defaultReply = ProviderReply.text(DEFAULT_TEXT);
		}
	}

	/**
	 * Stop the server: stop listening, drop open connections and end requests that wait
	 * in a delay. Calling it again does nothing.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.closing.countDown();
		this.httpServer.stop(0);
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "MockProviderServer[" + baseUrl() + "]";
	}

	// HTTP handling

	private void handle(HttpExchange exchange) {
		try {
			serve(exchange);
		}
		catch (DroppedStream ex) {
			// Thrown past the JDK server, which then closes the connection without ending
			// the chunked body; closing the exchange here would end it cleanly instead
			throw ex;
		}
		catch (IOException ex) {
			// The client went away, e.g. it cancelled a stream: nothing to answer
			logger.log(Level.DEBUG, "Mock provider server lost the client of " + exchange.getRequestURI(), ex);
		}
		catch (Throwable ex) {
			if (!this.closed.get()) {
				logger.log(Level.WARNING, "Mock provider server failed to answer " + exchange.getRequestMethod() + " "
						+ exchange.getRequestURI(), ex);
				try {
					send(exchange, 500, "text/plain", utf8("Mock provider server error: " + ex));
				}
				catch (Throwable ignored) {
					// The response was probably under way already; closing ends it
				}
			}
		}
		exchange.close();
	}

	private void serve(HttpExchange exchange) throws IOException {
		URI uri = exchange.getRequestURI();
		String rawPath = (uri.getRawPath() != null) ? uri.getRawPath() : "/";
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		ProviderApi api = ProviderApi.forPath(rawPath);
		String target = rawPath + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		ProviderRequest request = new ProviderRequest(api, exchange.getRequestMethod(), target,
				exchange.getRequestHeaders(), body, Instant.now());
		synchronized (this.lock) {
			this.requests.add(request);
		}
		if (api == null) {
			sendError(exchange, ProviderApi.OPENAI_CHAT_COMPLETIONS, 404, "Unknown path: " + rawPath);
			return;
		}
		if (!exchange.getRequestMethod().equals("POST")) {
			exchange.getResponseHeaders().set("Allow", "POST");
			sendError(exchange, api, 405, "Method not allowed: " + exchange.getRequestMethod());
			return;
		}
		if (!request.json().isObject()) {
			sendError(exchange, api, 400, "The request body must be a JSON object");
			return;
		}
		ProviderReply reply = takeReply().resolve(request.hasToolResult());
		if (!reply.delayDuration().isZero() && waitOrClose(reply)) {
			return;
		}
		String recorded = reply.recordedBodyOrNull();
		if (recorded != null) {
			send(exchange, reply.recordedStatus(), JSON, recorded.getBytes(StandardCharsets.UTF_8));
			return;
		}
		List<Map.Entry<String, String>> events = reply.recordedEventsOrNull();
		if (events != null) {
			try (OutputStream out = startStream(exchange)) {
				for (Map.Entry<String, String> event : events) {
					out.write(utf8(((event.getKey() != null) ? "event: " + event.getKey() + "\n" : "") + "data: "
							+ event.getValue() + "\n\n"));
					out.flush();
				}
			}
			return;
		}
		if (reply.isError()) {
			sendError(exchange, api, reply.errorStatus(), reply.errorMessage());
			return;
		}
		String model = (reply.responseModelOrNull() != null) ? reply.responseModelOrNull()
				: Objects.requireNonNullElse(request.model(), "unknown");
		int id = this.ids.incrementAndGet();
		switch (api) {
			case OPENAI_CHAT_COMPLETIONS -> {
				exchange.getResponseHeaders().set("x-request-id", "req_mock_" + id);
				if (request.isStreaming()) {
					streamOpenAi(exchange, request, reply, model, id);
				}
				else {
					send(exchange, 200, JSON, json(openAiCompletion(reply, model, id)));
				}
			}
			case ANTHROPIC_MESSAGES -> {
				exchange.getResponseHeaders().set("request-id", "req_mock_" + id);
				if (request.isStreaming()) {
					streamAnthropic(exchange, reply, model, id);
				}
				else {
					send(exchange, 200, JSON, json(anthropicMessage(reply, model, id)));
				}
			}
		}
	}

	private ProviderReply takeReply() {
		synchronized (this.lock) {
			ProviderReply next = this.replies.poll();
			return (next != null) ? next : this.defaultReply;
		}
	}

	/**
	 * Wait for the reply's delay.
	 * @return whether the server closed meanwhile, so nothing should be answered
	 */
	private boolean waitOrClose(ProviderReply reply) {
		try {
			return this.closing.await(reply.delayDuration().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

	// OpenAI Chat Completions

	private Map<String, Object> openAiCompletion(ProviderReply reply, String model, int id) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("role", "assistant");
		message.put("content", reply.textOrNull());
		message.put("refusal", null);
		if (!reply.toolCalls().isEmpty()) {
			List<Map<String, Object>> toolCalls = new ArrayList<>();
			for (int i = 0; i < reply.toolCalls().size(); i++) {
				ProviderReply.ToolCall call = reply.toolCalls().get(i);
				toolCalls.add(openAiToolCall(null, toolCallId("call_mock_", id, i), call.name(), call.argumentsJson()));
			}
			message.put("tool_calls", toolCalls);
		}
		message.put("annotations", List.of());
		Map<String, Object> choice = new LinkedHashMap<>();
		choice.put("index", 0);
		choice.put("message", message);
		choice.put("logprobs", null);
		choice.put("finish_reason", openAiFinishReason(reply));
		Map<String, Object> completion = openAiEnvelope("chat.completion", model, id);
		completion.put("choices", List.of(choice));
		completion.put("usage", openAiUsage(reply));
		return completion;
	}

	private static Map<String, Object> openAiEnvelope(String object, String model, int id) {
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("id", "chatcmpl-mock-" + id);
		envelope.put("object", object);
		envelope.put("created", Instant.now().getEpochSecond());
		envelope.put("model", model);
		envelope.put("system_fingerprint", "fp_mock");
		return envelope;
	}

	private static Map<String, Object> openAiToolCall(@Nullable Integer index, @Nullable String id,
			@Nullable String name, String arguments) {
		Map<String, Object> function = new LinkedHashMap<>();
		if (name != null) {
			function.put("name", name);
		}
		function.put("arguments", arguments);
		Map<String, Object> toolCall = new LinkedHashMap<>();
		if (index != null) {
			toolCall.put("index", index);
		}
		if (id != null) {
			toolCall.put("id", id);
			toolCall.put("type", "function");
		}
		toolCall.put("function", function);
		return toolCall;
	}

	private static String openAiFinishReason(ProviderReply reply) {
		if (reply.isTruncated()) {
			return "length";
		}
		return reply.toolCalls().isEmpty() ? "stop" : "tool_calls";
	}

	private static Map<String, Object> openAiUsage(ProviderReply reply) {
		Map<String, Object> usage = new LinkedHashMap<>();
		usage.put("prompt_tokens", reply.inputTokens());
		usage.put("completion_tokens", reply.outputTokens());
		usage.put("total_tokens", reply.inputTokens() + reply.outputTokens());
		usage.put("prompt_tokens_details", Map.of("cached_tokens", 0));
		usage.put("completion_tokens_details", Map.of("reasoning_tokens", 0));
		return usage;
	}

	private void streamOpenAi(HttpExchange exchange, ProviderRequest request, ProviderReply reply, String model,
			int id) throws IOException {
		boolean includeUsage = request.json().path("stream_options").path("include_usage").asBoolean(false);
		OutputStream out = startStream(exchange);
		Budget budget = new Budget(reply, this.closing);
		Map<String, Object> first = new LinkedHashMap<>();
		first.put("role", "assistant");
		first.put("content", (reply.textOrNull() != null) ? "" : null);
		writeData(out, openAiChunk(first, null, model, id, includeUsage));
		if (reply.textOrNull() != null) {
			for (String piece : words(reply.textOrNull())) {
				if (budget.exhausted()) {
					failOpenAiStream(out, reply);
					return;
				}
				writeData(out, openAiChunk(Map.of("content", piece), null, model, id, includeUsage));
			}
		}
		for (int i = 0; i < reply.toolCalls().size(); i++) {
			ProviderReply.ToolCall call = reply.toolCalls().get(i);
			Map<String, Object> start = openAiToolCall(i, toolCallId("call_mock_", id, i), call.name(), "");
			writeData(out, openAiChunk(Map.of("tool_calls", List.of(start)), null, model, id, includeUsage));
			for (String piece : pieces(call.argumentsJson())) {
				if (budget.exhausted()) {
					failOpenAiStream(out, reply);
					return;
				}
				Map<String, Object> delta = openAiToolCall(i, null, null, piece);
				writeData(out, openAiChunk(Map.of("tool_calls", List.of(delta)), null, model, id, includeUsage));
			}
		}
		if (budget.failsAtEnd()) {
			failOpenAiStream(out, reply);
			return;
		}
		writeData(out, openAiChunk(Map.of(), openAiFinishReason(reply), model, id, includeUsage));
		if (includeUsage) {
			Map<String, Object> usageChunk = openAiEnvelope("chat.completion.chunk", model, id);
			usageChunk.put("choices", List.of());
			usageChunk.put("usage", openAiUsage(reply));
			writeData(out, usageChunk);
		}
		writeData(out, "[DONE]");
	}

	private static Map<String, Object> openAiChunk(Map<String, Object> delta, @Nullable String finishReason, String model,
			int id, boolean includeUsage) {
		Map<String, Object> choice = new LinkedHashMap<>();
		choice.put("index", 0);
		choice.put("delta", delta);
		choice.put("logprobs", null);
		choice.put("finish_reason", finishReason);
		Map<String, Object> chunk = openAiEnvelope("chat.completion.chunk", model, id);
		chunk.put("choices", List.of(choice));
		if (includeUsage) {
			// As the API does: every chunk but the last carries "usage": null
			chunk.put("usage", null);
		}
		return chunk;
	}

	private void failOpenAiStream(OutputStream out, ProviderReply reply) throws IOException {
		if (reply.dropsStream()) {
			throw new DroppedStream();
		}
		writeData(out, openAiStreamError());
	}

	private static Map<String, Object> openAiStreamError() {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("message", "The mock provider failed the stream");
		error.put("type", "server_error");
		error.put("param", null);
		error.put("code", null);
		return Map.of("error", error);
	}

	private static Map<String, Object> openAiError(int status, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("message", message);
		error.put("type", (status == 429) ? "requests" : (status >= 500) ? "server_error" : "invalid_request_error");
		error.put("param", null);
		error.put("code", switch (status) {
			case 401 -> "invalid_api_key";
			case 404 -> "model_not_found";
			case 429 -> "rate_limit_exceeded";
			default -> null;
		});
		return Map.of("error", error);
	}

	// Anthropic Messages

	private Map<String, Object> anthropicMessage(ProviderReply reply, String model, int id) {
		List<Map<String, Object>> content = new ArrayList<>();
		if (reply.textOrNull() != null) {
			content.add(anthropicTextBlock(reply.textOrNull()));
		}
		for (int i = 0; i < reply.toolCalls().size(); i++) {
			ProviderReply.ToolCall call = reply.toolCalls().get(i);
			content.add(anthropicToolUseBlock(toolCallId("toolu_mock_", id, i), call.name(),
					this.mapper.readTree(call.argumentsJson())));
		}
		Map<String, Object> message = anthropicEnvelope(model, id, content);
		message.put("stop_reason", anthropicStopReason(reply));
		message.put("stop_sequence", null);
		message.put("usage", anthropicUsage(reply.inputTokens(), reply.outputTokens()));
		return message;
	}

	private static Map<String, Object> anthropicEnvelope(String model, int id, List<Map<String, Object>> content) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("id", "msg_mock_" + id);
		message.put("type", "message");
		message.put("role", "assistant");
		message.put("model", model);
		message.put("content", content);
		return message;
	}

	private static Map<String, Object> anthropicTextBlock(String text) {
		Map<String, Object> block = new LinkedHashMap<>();
		block.put("type", "text");
		block.put("text", text);
		return block;
	}

	private static Map<String, Object> anthropicToolUseBlock(String id, String name, Object input) {
		Map<String, Object> block = new LinkedHashMap<>();
		block.put("type", "tool_use");
		block.put("id", id);
		block.put("name", name);
		block.put("input", input);
		return block;
	}

	private static String anthropicStopReason(ProviderReply reply) {
		if (reply.isTruncated()) {
			return "max_tokens";
		}
		return reply.toolCalls().isEmpty() ? "end_turn" : "tool_use";
	}

	private static Map<String, Object> anthropicUsage(int inputTokens, int outputTokens) {
		Map<String, Object> usage = new LinkedHashMap<>();
		usage.put("input_tokens", inputTokens);
		usage.put("cache_creation_input_tokens", 0);
		usage.put("cache_read_input_tokens", 0);
		usage.put("output_tokens", outputTokens);
		return usage;
	}

	private void streamAnthropic(HttpExchange exchange, ProviderReply reply, String model, int id)
			throws IOException {
		OutputStream out = startStream(exchange);
		Budget budget = new Budget(reply, this.closing);
		Map<String, Object> message = anthropicEnvelope(model, id, List.of());
		message.put("stop_reason", null);
		message.put("stop_sequence", null);
		// The API reports the input tokens at the start and the output tokens at the end
		message.put("usage", anthropicUsage(reply.inputTokens(), 1));
		writeEvent(out, "message_start", Map.of("type", "message_start", "message", message));
		writeEvent(out, "ping", Map.of("type", "ping"));
		int index = 0;
		if (reply.textOrNull() != null) {
			writeEvent(out, "content_block_start", Map.of("type", "content_block_start", "index", index,
					"content_block", anthropicTextBlock("")));
			for (String piece : words(reply.textOrNull())) {
				if (budget.exhausted()) {
					failAnthropicStream(out, reply);
					return;
				}
				writeEvent(out, "content_block_delta", Map.of("type", "content_block_delta", "index", index, "delta",
						Map.of("type", "text_delta", "text", piece)));
			}
			writeEvent(out, "content_block_stop", Map.of("type", "content_block_stop", "index", index));
			index++;
		}
		for (int i = 0; i < reply.toolCalls().size(); i++) {
			ProviderReply.ToolCall call = reply.toolCalls().get(i);
			writeEvent(out, "content_block_start", Map.of("type", "content_block_start", "index", index,
					"content_block", anthropicToolUseBlock(toolCallId("toolu_mock_", id, i), call.name(), Map.of())));
			for (String piece : pieces(call.argumentsJson())) {
				if (budget.exhausted()) {
					failAnthropicStream(out, reply);
					return;
				}
				writeEvent(out, "content_block_delta", Map.of("type", "content_block_delta", "index", index, "delta",
						Map.of("type", "input_json_delta", "partial_json", piece)));
			}
			writeEvent(out, "content_block_stop", Map.of("type", "content_block_stop", "index", index));
			index++;
		}
		if (budget.failsAtEnd()) {
			failAnthropicStream(out, reply);
			return;
		}
		Map<String, Object> delta = new LinkedHashMap<>();
		delta.put("stop_reason", anthropicStopReason(reply));
		delta.put("stop_sequence", null);
		writeEvent(out, "message_delta", Map.of("type", "message_delta", "delta", delta, "usage",
				anthropicUsage(reply.inputTokens(), reply.outputTokens())));
		writeEvent(out, "message_stop", Map.of("type", "message_stop"));
	}

	private void failAnthropicStream(OutputStream out, ProviderReply reply) throws IOException {
		if (reply.dropsStream()) {
			throw new DroppedStream();
		}
		writeEvent(out, "error", anthropicError(529, "Overloaded"));
	}

	private static Map<String, Object> anthropicError(int status, String message) {
		String type = switch (status) {
			case 400 -> "invalid_request_error";
			case 401 -> "authentication_error";
			case 403 -> "permission_error";
			case 404 -> "not_found_error";
			case 413 -> "request_too_large";
			case 429 -> "rate_limit_error";
			case 529 -> "overloaded_error";
			default -> (status >= 500) ? "api_error" : "invalid_request_error";
		};
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("type", type);
		error.put("message", message);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "error");
		body.put("error", error);
		return body;
	}

	// Writing

	private void sendError(HttpExchange exchange, ProviderApi api, int status, String message) throws IOException {
		Map<String, Object> body = (api == ProviderApi.ANTHROPIC_MESSAGES) ? anthropicError(status, message)
				: openAiError(status, message);
		send(exchange, status, JSON, json(body));
	}

	private static OutputStream startStream(HttpExchange exchange) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-cache");
		// For HttpServer a length of 0 means chunked, which a stream of unknown length needs
		exchange.sendResponseHeaders(200, 0);
		return exchange.getResponseBody();
	}

	private void writeData(OutputStream out, Object data) throws IOException {
		String json = (data instanceof String text) ? text : this.mapper.writeValueAsString(data);
		out.write(utf8("data: " + json + "\n\n"));
		out.flush();
	}

	private void writeEvent(OutputStream out, String event, Object data) throws IOException {
		out.write(utf8("event: " + event + "\ndata: " + this.mapper.writeValueAsString(data) + "\n\n"));
		out.flush();
	}

	private byte[] json(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", contentType);
		// For HttpServer a length of 0 means chunked; -1 means no body
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		if (body.length > 0) {
			exchange.getResponseBody().write(body);
		}
	}

	private static String toolCallId(String prefix, int id, int index) {
		return prefix + id + "_" + index;
	}

	/**
	 * Split a text into words, each but the first with its leading whitespace, as a
	 * model streams tokens.
	 */
	static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		int start = 0;
		for (int i = 1; i < text.length(); i++) {
			if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
				words.add(text.substring(start, i));
				start = i;
			}
		}
		if (start < text.length()) {
			words.add(text.substring(start));
		}
		return words;
	}

	/**
	 * Split tool arguments into short pieces, never inside a surrogate pair: a client
	 * must join them before parsing, as with real providers.
	 */
	static List<String> pieces(String arguments) {
		List<String> pieces = new ArrayList<>();
		int start = 0;
		while (start < arguments.length()) {
			int end = Math.min(start + ARGUMENT_PIECE_LENGTH, arguments.length());
			if (end < arguments.length() && Character.isHighSurrogate(arguments.charAt(end - 1))) {
				end++;
			}
			pieces.add(arguments.substring(start, end));
			start = end;
		}
		return pieces;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Breaks off a stream: the JDK server closes the connection of a handler that throws.
	 */
	private static final class DroppedStream extends RuntimeException {

		DroppedStream() {
			super("Stream dropped as scripted", null, false, false);
		}

	}

	/**
	 * Paces a stream's content chunks and counts them towards its scripted failure.
	 */
	private static final class Budget {

		private final Duration chunkDelay;

		private final CountDownLatch closing;

		private int remaining;

		private boolean first = true;

		Budget(ProviderReply reply, CountDownLatch closing) {
			this.remaining = reply.streamFailureAfter();
			this.chunkDelay = reply.chunkDelayDuration();
			this.closing = closing;
		}

		/**
		 * Count one content chunk, after the reply's chunk delay.
		 * @return whether the stream must fail instead of sending it
		 */
		boolean exhausted() {
			if (!this.first && !this.chunkDelay.isZero()) {
				pause();
			}
			this.first = false;
			if (this.remaining < 0) {
				return false;
			}
			if (this.remaining == 0) {
				return true;
			}
			this.remaining--;
			return false;
		}

		/**
		 * Return whether the stream must fail before it finishes, having sent fewer
		 * content chunks than the failure was scripted after.
		 */
		boolean failsAtEnd() {
			return this.remaining >= 0;
		}

		private void pause() {
			try {
				if (this.closing.await(this.chunkDelay.toNanos(), TimeUnit.NANOSECONDS)) {
					throw new DroppedStream();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new DroppedStream();
			}
		}

	}

}
