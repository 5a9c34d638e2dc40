package com.fallom.web.reactive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.MockConfig;
import com.fallom.test.ReceivedSpan;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the customer id of a request reaches targeting and the exported chat span on
 * a real Netty server: from the {@code X-Fallom-Customer-Id} header, and from the
 * exchange's principal (set here by a stand-in for Spring Security's
 * {@code WebFilterChainProxy}, at its order).
 */
class FallomSessionWebFilterCustomerIdTests {

	private static FallomMockServer backend;

	private static ConfigurableApplicationContext context;

	private static URI base;

	@BeforeAll
	static void startServer() {
		backend = FallomMockServer.start();
		backend.putConfig(MockConfig.key("support")
			.variant("gpt-4o", 100)
			.variant("claude-3-5-sonnet", 0)
			.customer("vip-1", 1)
			.rule(1, MockConfig.condition("plan", "eq", "enterprise"),
					MockConfig.condition("region", "startsWith", "eu-")));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties(backend.propertyValues())
			// Reads the session from OTLP span attributes
			.properties("fallom.tracing.protocol=otlp")
			.properties("server.port=0", "spring.reactor.context-propagation=auto",
					"fallom.web.default-config-key=support", "fallom.web.customer-id-header=X-Fallom-Customer-Id",
					"management.otlp.metrics.export.enabled=false")
			.run();
		base = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@AfterAll
	static void stopServer() {
		context.close();
		backend.close();
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void filterRunsAfterSpringSecurityWhenThePrincipalIsTheCustomer() {
		assertThat(context.getBean(FallomSessionWebFilter.class).getOrder())
			.isEqualTo(FallomSessionWebFilter.PRINCIPAL_ORDER);
	}

	@Test
	void customerIdHeaderReachesTargetingAndTheExportedSpan() {
		assertThat(get("s-header", "vip-1", null)).isEqualTo("claude-3-5-sonnet for vip-1");
		ReceivedSpan span = spanOf("s-header");
		assertThat(span.attribute("fallom.customer_id")).isEqualTo("vip-1");
		assertThat(span.attribute("gen_ai.request.model")).isEqualTo("claude-3-5-sonnet");
	}

	@Test
	void principalNameIsTheCustomerIdAndWinsOverTheHeader() {
		assertThat(get("s-principal", "someone-else", "vip-1")).isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(spanOf("s-principal").attribute("fallom.customer_id")).isEqualTo("vip-1");
	}

	@Test
	void requestWithoutCustomerGetsTheHashAndNoCustomerAttribute() {
		assertThat(get("s-anonymous", null, null)).isEqualTo("gpt-4o for none");
		assertThat(spanOf("s-anonymous").attribute("fallom.customer_id")).isNull();
	}

	@Test
	void contextResolverFieldsReachTargetingAndNeverLeaveTheProcess() {
		assertThat(get("s-resolved", null, null, "enterprise", "eu-west-1")).isEqualTo("claude-3-5-sonnet for none");
		assertThat(get("s-resolved-us", null, null, "enterprise", "us-east-1")).isEqualTo("gpt-4o for none");
		assertThat(get("s-unresolved", null, null, null, null)).as("the resolver's empty Mono")
			.isEqualTo("gpt-4o for none");
		assertThat(spanOf("s-resolved").attribute("gen_ai.request.model")).isEqualTo("claude-3-5-sonnet");
		spanOf("s-resolved-us");
		assertThat(new String(backend.allReceivedBytes(), StandardCharsets.ISO_8859_1)).as("targeting fields")
			.doesNotContain("enterprise", "eu-west-1", "us-east-1");
	}

	@Test
	void customerOfARequestWithoutASessionIdIsTheCustomerOfTheSessionsItsCodeStarts() {
		assertThat(send("/explicit?conversation=s-explicit", null, null, "vip-1", null, null))
			.isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(spanOf("s-explicit").attribute("fallom.customer_id")).isEqualTo("vip-1");
		assertThat(send("/explicit?conversation=s-explicit-header", null, "vip-1", null, null, null))
			.isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(send("/explicit?conversation=s-explicit-plan", null, "someone", null, "enterprise", "eu-north-1"))
			.as("the resolver's fields")
			.isEqualTo("claude-3-5-sonnet for someone");
		assertThat(send("/explicit?conversation=s-explicit-anonymous", null, null, null, null, null))
			.isEqualTo("gpt-4o for none");
	}

	private static ReceivedSpan spanOf(String sessionId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> backend.receivedSpans()
				.stream()
				.filter((span) -> sessionId.equals(span.attribute("fallom.session_id")))
				.findFirst()
				.orElse(null), (span) -> span != null);
	}

	private static String get(String sessionId, @Nullable String customerId, @Nullable String user) {
		return get(sessionId, customerId, user, null, null);
	}

	private static String get(String sessionId, @Nullable String customerId, @Nullable String user,
			@Nullable String plan, @Nullable String region) {
		return send("/chat", sessionId, customerId, user, plan, region);
	}

	private static String send(String path, @Nullable String sessionId, @Nullable String customerId,
			@Nullable String user, @Nullable String plan, @Nullable String region) {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
		if (sessionId != null) {
			request.header("X-Fallom-Session-Id", sessionId);
		}
		if (plan != null) {
			request.header("X-Test-Plan", plan);
		}
		if (region != null) {
			request.header("X-Test-Region", region);
		}
		if (customerId != null) {
			request.header("X-Fallom-Customer-Id", customerId);
		}
		if (user != null) {
			request.header("X-Test-User", user);
		}
		HttpResponse<String> response = HttpClient.newHttpClient()
			.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
			.join();
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ChatController.class)
	static class TestApplication {

		@Bean
		ObservedChatModel chatModel(ObservationRegistry observationRegistry) {
			return new ObservedChatModel(observationRegistry);
		}

		/**
		 * A stand-in for fields read from the user's account without blocking: here,
		 * headers, read on another thread.
		 */
		@Bean
		ReactiveFallomContextResolver fallomContextResolver() {
			return (exchange) -> Mono.fromCallable(() -> {
				HttpHeaders headers = exchange.getRequest().getHeaders();
				if (headers.getFirst("X-Test-Plan") == null) {
					return null;
				}
				Map<String, String> fields = new HashMap<>();
				fields.put("plan", headers.getFirst("X-Test-Plan"));
				fields.put("region", headers.getFirst("X-Test-Region"));
				return fields;
			}).subscribeOn(Schedulers.parallel());
		}

		/**
		 * Authenticates a request as the user named by {@code X-Test-User}, mutating the
		 * exchange as Spring Security's {@code WebFilterChainProxy} does, at its order.
		 */
		@Bean
		@Order(-100)
		WebFilter testAuthenticationFilter() {
			return (exchange, chain) -> {
				String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
				if (user == null) {
					return chain.filter(exchange);
				}
				Principal principal = () -> user;
				return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
			};
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
		Mono<String> chat() {
			return Mono.fromCallable(() -> {
				FallomSessionContext session = FallomSessionHolder.get();
				return chat(session.sessionId());
			}).subscribeOn(Schedulers.boundedElastic());
		}

		@GetMapping("/explicit")
		Mono<String> explicit(@RequestParam String conversation) {
			// The session id is the caller's, not the request's: FallomModels starts it.
			return Mono.fromCallable(() -> chat(conversation)).subscribeOn(Schedulers.boundedElastic());
		}

		private String chat(String sessionId) {
			String model = this.models.get("support", sessionId);
			this.chatModel
				.call(new Prompt(List.of(new UserMessage("hello")), ChatOptions.builder().model(model).build()));
			String customerId = FallomSessionHolder.get().customerId();
			return model + " for " + ((customerId != null) ? customerId : "none");
		}

	}

}
