package com.fallom.web.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSession;
import com.fallom.session.FallomSessionHolder;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionFilter} under 200 concurrent requests on a real Tomcat:
 * each request sees its own session, never another's.
 */
class FallomSessionFilterConcurrencyTests {

	private static final int REQUESTS = 200;

	private static final CountDownLatch allInFlight = new CountDownLatch(REQUESTS);

	private static ConfigurableApplicationContext context;

	private static URI base;

	@BeforeAll
	static void startServer() {
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.tomcat.threads.max=" + REQUESTS,
					"fallom.web.default-config-key=support", "fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=50",
					"fallom.models.configs.support.variants[1].model=claude-3-5-sonnet",
					"fallom.models.configs.support.variants[1].weight=50", "management.otlp.metrics.export.enabled=false")
			.run();
		base = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@AfterAll
	static void stopServer() {
		context.close();
	}

	@Test
	void eachOfManyConcurrentRequestsSeesItsOwnSession() {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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

		@GetMapping("/chat")
		String chat() throws InterruptedException {
			FallomSession before = FallomSessionHolder.get();
			// Hold each request until all are in flight (bounded), so that they overlap.
			allInFlight.countDown();
			allInFlight.await(10, TimeUnit.SECONDS);
			FallomSession after = FallomSessionHolder.get();
			String model = this.models.get(after.configKey(), after.sessionId());
			return before.sessionId() + " " + FallomSessionHolder.get().sessionId() + " " + model;
		}

	}

}
