package com.fallom.web.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.ReceivedSpan;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomSessionFilter} under 200 concurrent requests on a real Tomcat:
 * each request sees its own session, never another's, and so does the chat span it exports
 * to the Fallom backend.
 */
class FallomSessionFilterConcurrencyTests {

	private static final int REQUESTS = 200;

	private static final CountDownLatch allInFlight = new CountDownLatch(REQUESTS);

	private static FallomMockServer backend;

	private static ConfigurableApplicationContext context;

	private static URI base;

	@BeforeAll
	static void startServer() {
		backend = FallomMockServer.start();
		// Online, the backend's configs replace the bootstrap ones below.
		backend.putConfig("{\"key\": \"support\", \"variants\": [{\"model\": \"gpt-4o\", \"weight\": 50}, "
				+ "{\"model\": \"claude-3-5-sonnet\", \"weight\": 50}]}");
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties(backend.propertyValues())
			// Reads the session from OTLP span attributes
			.properties("fallom.tracing.protocol=otlp")
			.properties("server.port=0", "fallom.tracing.queue-capacity=" + (REQUESTS * 2), "server.tomcat.threads.max=" + REQUESTS,
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
		backend.close();
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
		await().atMost(Duration.ofSeconds(20)).until(() -> backend.receivedSpans().size() == REQUESTS);
		Map<String, ReceivedSpan> spansBySession = backend.receivedSpans()
			.stream()
			.collect(Collectors.toMap((span) -> span.attribute("fallom.session_id"), Function.identity()));
		assertThat(spansBySession).hasSize(REQUESTS);
		for (int i = 0; i < REQUESTS; i++) {
			String id = "session-" + i;
			ReceivedSpan span = spansBySession.get(id);
			assertThat(span.attribute("fallom.config_key")).isEqualTo("support");
			assertThat(span.attribute("gen_ai.request.model")).isEqualTo(models.get("support", id, "none"));
			assertThat(span.attribute("gen_ai.prompt.0.content")).isEqualTo("question from " + id);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ChatController.class)
	static class TestApplication {

		@Bean
		ObservedChatModel chatModel(ObservationRegistry observationRegistry) {
			return new ObservedChatModel(observationRegistry);
		}

	}

	@RestController
	static class ChatController {

		private final FallomModels models;

		private final ObservedChatModel chatModel;

		ChatController(FallomModels models, ObservedChatModel chatModel) {
			this.models = models;
			this.chatModel = chatModel;
		}

		@GetMapping("/chat")
		String chat() throws InterruptedException {
			FallomSessionContext before = FallomSessionHolder.get();
			// Hold each request until all are in flight (bounded), so that they overlap.
			allInFlight.countDown();
			allInFlight.await(10, TimeUnit.SECONDS);
			FallomSessionContext after = FallomSessionHolder.get();
			String model = this.models.get(after.configKey(), after.sessionId());
			this.chatModel.call(new Prompt(List.of(new UserMessage("question from " + after.sessionId())),
					ChatOptions.builder().model(model).build()));
			return before.sessionId() + " " + FallomSessionHolder.get().sessionId() + " " + model;
		}

	}

}
