package com.fallom.test.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends chat requests to a {@link MockProviderServer} over real HTTP and reads JSON and
 * server-sent event answers.
 */
final class ProviderHttp {

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private ProviderHttp() {
	}

	static HttpClient client() {
		return client;
	}

	static HttpRequest openAi(MockProviderServer server, String json) {
		return HttpRequest.newBuilder(URI.create(server.openAiBaseUrl() + "/chat/completions"))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", "Bearer sk-test")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	static HttpRequest anthropic(MockProviderServer server, String json) {
		return HttpRequest.newBuilder(URI.create(server.anthropicBaseUrl() + "/v1/messages"))
			.timeout(Duration.ofSeconds(10))
			.header("x-api-key", "sk-ant-test")
			.header("anthropic-version", "2023-06-01")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	static HttpResponse<String> send(HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
		return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	static JsonNode json(HttpResponse<String> response) {
		return JsonMapper.shared().readTree(response.body());
	}

	/**
	 * Parse a server-sent event stream into its events.
	 */
	static List<Event> events(String body) {
		List<Event> events = new ArrayList<>();
		for (String block : body.split("\n\n")) {
			if (block.isBlank()) {
				continue;
			}
			String name = null;
			StringBuilder data = new StringBuilder();
			for (String line : block.split("\n")) {
				if (line.startsWith("event: ")) {
					name = line.substring("event: ".length());
				}
				else if (line.startsWith("data: ")) {
					data.append(line.substring("data: ".length()));
				}
			}
			events.add(new Event(name, data.toString()));
		}
		return events;
	}

	/**
	 * One server-sent event.
	 */
	record Event(String name, String data) {

		JsonNode json() {
			return JsonMapper.shared().readTree(this.data);
		}

	}

}
