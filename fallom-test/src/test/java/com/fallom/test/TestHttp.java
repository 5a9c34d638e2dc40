package com.fallom.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/**
 * Sends plain HTTP requests to a {@link FallomMockServer}, as a Fallom client would.
 */
final class TestHttp {

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final FallomMockServer server;

	TestHttp(FallomMockServer server) {
		this.server = server;
	}

	static HttpClient client() {
		return client;
	}

	HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.server.baseUrl() + path))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", "Bearer " + this.server.apiKey());
	}

	HttpResponse<String> get(String path) {
		return send(request(path).GET().build());
	}

	HttpResponse<String> postJson(String path, String json) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	HttpResponse<byte[]> postProtobuf(byte[] body, boolean gzip) {
		HttpRequest.Builder request = request("/v1/traces").header("Content-Type", "application/x-protobuf");
		if (gzip) {
			request.header("Content-Encoding", "gzip");
		}
		return sendBytes(request.POST(HttpRequest.BodyPublishers.ofByteArray(gzip ? gzip(body) : body)).build());
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

	static HttpResponse<byte[]> sendBytes(HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
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

	static byte[] gzip(byte[] bytes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
