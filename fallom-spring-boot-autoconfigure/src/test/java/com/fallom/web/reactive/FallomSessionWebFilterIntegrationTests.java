package com.fallom.web.reactive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionWebFilter} on a real Netty server with
 * {@code spring.reactor.context-propagation=auto}: the session travels in the Reactor
 * {@code Context} and is the current thread's session in every operator, across
 * scheduler hops.
 */
class FallomSessionWebFilterIntegrationTests {

	private static final int REQUESTS = 200;

	private static ConfigurableApplicationContext context;

	private static HttpClient client;

	private static URI base;

	@BeforeAll
	static void startServer() {
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "spring.reactor.context-propagation=auto",
					"fallom.web.default-config-key=support", "fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=50",
					"fallom.models.configs.support.variants[1].model=claude-3-5-sonnet",
					"fallom.models.configs.support.variants[1].weight=50", "management.otlp.metrics.export.enabled=false")
			.run();
		base = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort());
		client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
	}

	@AfterAll
	static void stopServer() {
		context.close();
		// Boot enabled it globally for the application: leave other tests as they were.
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void sessionIsTheCurrentThreadsSessionAfterPublishOn() {
		HttpResponse<String> response = get("/hop", "s-1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("support/s-1 in context, support/s-1 on parallel-");
	}

	@Test
	void requestWithoutSessionSeesNone() {
		get("/hop", "s-before");
		assertThat(get("/hop", null).body()).startsWith("none in context, none on parallel-");
	}

	@Test
	void ignoresOversizedAndControlCharacterSessionIdsAndServesTheRequest() {
		long before = context.getBean(FallomSessionWebFilter.class).getExtractor().getInvalidCount();
		HttpResponse<String> oversized = get("/hop", "x".repeat(257));
		assertThat(oversized.statusCode()).isEqualTo(200);
		assertThat(oversized.body()).startsWith("none in context, none on ");
		HttpResponse<String> tab = get("/hop", "a\tb");
		assertThat(tab.statusCode()).isEqualTo(200);
		assertThat(tab.body()).startsWith("none in context, none on ");
		assertThat(context.getBean(FallomSessionWebFilter.class).getExtractor().getInvalidCount())
			.isEqualTo(before + 2);
	}

	@Test
	void eachOfManyConcurrentRequestsSeesItsOwnSession() {
		FallomModels models = context.getBean(FallomModels.class);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			HttpRequest request = HttpRequest.newBuilder(base.resolve("/chat"))
				.header("X-Fallom-Session-Id", "session-" + i)
				.build();
			responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		for (int i = 0; i < REQUESTS; i++) {
			HttpResponse<String> response = responses.get(i).join();
			assertThat(response.statusCode()).isEqualTo(200);
			String id = "session-" + i;
			assertThat(response.body()).isEqualTo(id + " " + id + " " + models.get("support", id, "none"));
		}
	}

	private static HttpResponse<String> get(String path, @Nullable String sessionId) {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
		if (sessionId != null) {
			request.header("X-Fallom-Session-Id", sessionId);
		}
		return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).join();
	}

	static String describe(@Nullable FallomSessionContext session) {
		return (session != null) ? session.configKey() + "/" + session.sessionId() : "none";
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ChatController.class)
	static class TestApplication {

	}

	@RestController
	static class ChatController {

		private final FallomModels models;

		ChatController(FallomModels models) {
			this.models = models;
		}

		@GetMapping("/hop")
		Mono<String> hop() {
			return Mono.deferContextual((context) -> Mono.just(describe(
					context.<FallomSessionContext>getOrEmpty(FallomSessionThreadLocalAccessor.KEY).orElse(null))))
				.publishOn(Schedulers.parallel())
				.map((inContext) -> inContext + " in context, " + describe(FallomSessionHolder.get()) + " on "
						+ Thread.currentThread().getName());
		}

		@GetMapping("/chat")
		Mono<String> chat() {
			// Interleave the requests across threads and time.
			return Mono.fromCallable(() -> FallomSessionHolder.get().sessionId())
				.subscribeOn(Schedulers.boundedElastic())
				.delayElement(Duration.ofMillis(ThreadLocalRandom.current().nextInt(20)))
				.publishOn(Schedulers.parallel())
				.map((first) -> {
					FallomSessionContext session = FallomSessionHolder.get();
					return first + " " + session.sessionId() + " "
							+ this.models.get(session.configKey(), session.sessionId());
				});
		}

	}

}
