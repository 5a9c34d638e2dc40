package com.fallom.web.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionFilter} in a real Tomcat with one request thread, so that
 * every request runs on the thread of the previous one: nothing may leak between them.
 */
class FallomSessionFilterSingleThreadTests {

	private static final ExecutorService completer = Executors.newSingleThreadExecutor();

	private static ConfigurableApplicationContext context;

	private static HttpClient client;

	private static URI base;

	@BeforeAll
	static void startServer() {
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1",
					"fallom.web.default-config-key=support", "fallom.web.session-query-parameter=fallomSession",
					"fallom.web.config-key-header=X-Fallom-Config-Key",
					"fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=100", "management.otlp.metrics.export.enabled=false")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		base = URI.create("http://127.0.0.1:" + port);
		client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
	}

	@AfterAll
	static void stopServer() {
		context.close();
		completer.shutdownNow();
	}

	@Test
	void setsSessionFromHeaderForTheRequest() throws Exception {
		assertThat(get("/session", "s-1")).startsWith("support/s-1 on ");
	}

	@Test
	void configKeyHeaderWinsOverDefault() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(base.resolve("/session"))
			.header("X-Fallom-Session-Id", "s-2")
			.header("X-Fallom-Config-Key", "summarizer")
			.build();
		assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body())
			.startsWith("summarizer/s-2 on ");
	}

	@Test
	void requestWithoutSessionOnTheSameThreadSeesNone() throws Exception {
		String first = get("/session", "s-first");
		String second = get("/session", null);
		assertThat(first).startsWith("support/s-first on ");
		assertThat(second).startsWith("none on ");
		assertThat(threadOf(second)).isEqualTo(threadOf(first));
	}

	@Test
	void sessionSetByFallomModelsDoesNotLeakToTheNextRequest() throws Exception {
		// FallomModels.get sets the session without a scope: the filter must clear it.
		assertThat(get("/models?sessionId=leaky", null)).isEqualTo("gpt-4o");
		assertThat(get("/session", null)).startsWith("none on ");
	}

	@Test
	void setsSessionAgainOnAsyncDispatch() throws Exception {
		String body = get("/async", "s-async");
		assertThat(body).isEqualTo("completed with none, written with support/s-async");
		assertThat(get("/session", null)).startsWith("none on ");
	}

	@Test
	void ignoresOversizedSessionIdAndServesTheRequest() throws Exception {
		long before = invalidCount();
		assertThat(get("/session", "x".repeat(257))).startsWith("none on ");
		assertThat(get("/session", "x".repeat(256))).startsWith("support/" + "x".repeat(256) + " on ");
		assertThat(invalidCount()).isEqualTo(before + 1);
	}

	@Test
	void ignoresSessionIdWithControlCharactersAndServesTheRequest() throws Exception {
		long before = invalidCount();
		assertThat(get("/session", "a\tb")).startsWith("none on ");
		assertThat(get("/session?fallomSession=a%0D%0AINFO%20forged", null)).startsWith("none on ");
		assertThat(get("/session?fallomSession=a%00", null)).startsWith("none on ");
		assertThat(invalidCount()).isEqualTo(before + 3);
	}

	@Test
	void readsSessionIdFromQueryParameterWhenConfigured() throws Exception {
		assertThat(get("/session?other=1&fallomSession=q%2D1", null)).startsWith("support/q-1 on ");
	}

	private static long invalidCount() {
		return context.getBean(FallomSessionFilter.class).getExtractor().getInvalidCount();
	}

	private static String threadOf(String body) {
		return body.substring(body.indexOf(" on ") + 4);
	}

	private static String get(String path, @Nullable String sessionId) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
		if (sessionId != null) {
			request.header("X-Fallom-Session-Id", sessionId);
		}
		HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	static String describe(@Nullable FallomSessionContext session) {
		return (session != null) ? session.configKey() + "/" + session.sessionId() : "none";
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ SessionController.class, AsyncWriteAdvice.class })
	static class TestApplication {

	}

	@RestController
	static class SessionController {

		private final FallomModels models;

		SessionController(FallomModels models) {
			this.models = models;
		}

		@GetMapping("/session")
		String session() {
			return describe(FallomSessionHolder.get()) + " on " + Thread.currentThread().getName();
		}

		@GetMapping("/models")
		String models(@RequestParam String sessionId) {
			return this.models.get("support", sessionId);
		}

		@GetMapping("/async")
		CompletableFuture<String> async() {
			// Completed on a thread of its own; the body is written in the async dispatch.
			return CompletableFuture.supplyAsync(() -> "completed with " + describe(FallomSessionHolder.get()),
					completer);
		}

	}

	@ControllerAdvice
	static class AsyncWriteAdvice implements ResponseBodyAdvice<Object> {

		@Override
		public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
			return "async".equals(returnType.getExecutable().getName());
		}

		@Override
		public Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType, MediaType contentType,
				Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
				ServerHttpResponse response) {
			return body + ", written with " + describe(FallomSessionHolder.get());
		}

	}

}
