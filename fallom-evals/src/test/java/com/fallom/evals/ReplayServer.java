package com.fallom.evals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.test.internal.LoopbackHttpServers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake OpenRouter and Fallom app on loopback that answers the n-th request with the n-th
 * recorded response of a vector scenario, and records what it received.
 */
final class ReplayServer implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	static {
		// Without it the JDK server's body waits for the client's delayed ACK, 40 ms a request
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final HttpServer server;

	private final List<JsonNode> responses;

	private final AtomicInteger next = new AtomicInteger();

	private final List<Received> received = new ArrayList<>();

	ReplayServer(List<JsonNode> responses) throws IOException, InterruptedException {
		this.responses = responses;
		this.server = LoopbackHttpServers.create(0);
		this.server.createContext("/", this::handle);
		LoopbackHttpServers.start(this.server, "replay-start");
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	synchronized List<Received> received() {
		return List.copyOf(this.received);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			synchronized (this) {
				this.received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
						exchange.getRequestURI().getRawQuery(),
						Map.of("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
								"content-type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))),
						new String(body, StandardCharsets.UTF_8)));
			}
			int index = this.next.getAndIncrement();
			if (index >= this.responses.size()) {
				exchange.sendResponseHeaders(599, -1);
				return;
			}
			JsonNode response = this.responses.get(index);
			byte[] answer = mapper.writeValueAsBytes(response.get("body"));
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(response.get("status").asInt(), answer.length);
			exchange.getResponseBody().write(answer);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	record Received(String method, String path, String query, Map<String, String> headers, String body) {

	}

}
