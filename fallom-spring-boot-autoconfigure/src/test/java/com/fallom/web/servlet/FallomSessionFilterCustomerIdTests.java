package com.fallom.web.servlet;

import java.io.IOException;
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

import com.fallom.annotation.FallomSession;
import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.MockConfig;
import com.fallom.test.ReceivedSpan;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the customer id of a request reaches targeting and the exported chat span,
 * on a real Tomcat against the mock backend: from the {@code X-Fallom-Customer-Id}
 * header, from the principal (set here by a stand-in for Spring Security, ordered before
 * the Fallom filter as Spring Security is), and from {@code @FallomSession}; and that
 * the targeting fields of a {@link FallomContextResolver} and of {@code @FallomSession}
 * reach targeting and nothing else.
 */
class FallomSessionFilterCustomerIdTests {

	private static FallomMockServer backend;

	private static ConfigurableApplicationContext context;

	private static URI base;

	@BeforeAll
	static void startServer() {
		backend = FallomMockServer.start();
		// Everyone gets gpt-4o by the hash; vip-1 and enterprise customers in an eu- region
		// get claude-3-5-sonnet.
		backend.putConfig(MockConfig.key("support")
			.variant("gpt-4o", 100)
			.variant("claude-3-5-sonnet", 0)
			.customer("vip-1", 1)
			.rule(1, MockConfig.condition("plan", "eq", "enterprise"),
					MockConfig.condition("region", "startsWith", "eu-")));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties(backend.propertyValues())
			// Reads the session from OTLP span attributes
			.properties("fallom.tracing.protocol=otlp")
			// One request thread, so a request runs on the thread the last one ran on.
			.properties("server.port=0", "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1",
					"fallom.web.default-config-key=support",
					"fallom.web.customer-id-header=X-Fallom-Customer-Id", "management.otlp.metrics.export.enabled=false")
			.run();
		base = URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort());
	}

	@AfterAll
	static void stopServer() {
		context.close();
		backend.close();
	}

	@Test
	void customerIdHeaderReachesTargetingAndTheExportedSpan() throws Exception {
		assertThat(get("/chat", "s-header", "vip-1", null)).isEqualTo("claude-3-5-sonnet for vip-1");
		ReceivedSpan span = spanOf("s-header");
		assertThat(span.attribute("fallom.customer_id")).isEqualTo("vip-1");
		assertThat(span.attribute("gen_ai.request.model")).isEqualTo("claude-3-5-sonnet");
		assertThat(span.attribute("fallom.variant")).isEqualTo("1");
	}

	@Test
	void principalNameIsTheCustomerIdAndWinsOverTheHeader() throws Exception {
		assertThat(get("/chat", "s-principal", "someone-else", "vip-1")).isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(spanOf("s-principal").attribute("fallom.customer_id")).isEqualTo("vip-1");
	}

	@Test
	void requestWithoutCustomerGetsTheHashAndNoCustomerAttribute() throws Exception {
		assertThat(get("/chat", "s-anonymous", null, null)).isEqualTo("gpt-4o for none");
		assertThat(spanOf("s-anonymous").attribute("fallom.customer_id")).isNull();
	}

	@Test
	void ignoresCustomerIdWithControlCharactersAndServesTheRequest() throws Exception {
		long before = context.getBean(FallomSessionFilter.class).getExtractor().getInvalidCount();
		assertThat(get("/chat", "s-forged", "vip-1\tINFO forged", null)).isEqualTo("gpt-4o for none");
		assertThat(get("/chat", "s-long", "v".repeat(257), null)).isEqualTo("gpt-4o for none");
		assertThat(context.getBean(FallomSessionFilter.class).getExtractor().getInvalidCount())
			.isEqualTo(before + 2);
	}

	@Test
	void fallomSessionCustomerIdReachesTargetingAndTheExportedSpan() throws Exception {
		assertThat(get("/annotated?conversation=s-annotated&user=vip-1", null, null, null))
			.isEqualTo("claude-3-5-sonnet for vip-1");
		ReceivedSpan span = spanOf("s-annotated");
		assertThat(span.attribute("fallom.customer_id")).isEqualTo("vip-1");
		assertThat(span.attribute("fallom.config_key")).isEqualTo("support");
	}

	@Test
	void contextResolverFieldsReachTargetingAndNeverLeaveTheProcess() throws Exception {
		assertThat(getWithAccount("/chat", "s-resolved", "enterprise", "eu-west-1"))
			.isEqualTo("claude-3-5-sonnet for none");
		assertThat(getWithAccount("/chat", "s-resolved-us", "enterprise", "us-east-1")).isEqualTo("gpt-4o for none");
		assertThat(spanOf("s-resolved").attribute("gen_ai.request.model")).isEqualTo("claude-3-5-sonnet");
		spanOf("s-resolved-us");
		assertThat(new String(backend.allReceivedBytes(), StandardCharsets.ISO_8859_1)).as("targeting fields")
			.doesNotContain("enterprise", "eu-west-1", "us-east-1");
	}

	@Test
	void fallomSessionContextEntriesAddToTheResolvedFieldsAndMetadataAndTagsAreExported() throws Exception {
		// The resolver gives the plan of this same session (and no region: left out), the
		// annotation the region.
		assertThat(getWithAccount("/annotated-context?conversation=s-entries&area=eu-central-1", "s-entries",
				"enterprise", null))
			.isEqualTo("claude-3-5-sonnet for none");
		ReceivedSpan span = spanOf("s-entries");
		assertThat(span.attribute("fallom.metadata.channel")).isEqualTo("web");
		assertThat(span.attribute("fallom.metadata.priority")).isEqualTo("2");
		assertThat(span.attributes().get("fallom.tags")).isEqualTo(List.of("beta", "region-eu-central-1"));
		assertThat(span.attributes()).doesNotContainKeys("fallom.metadata.region", "fallom.metadata.plan");
		assertThat(getWithAccount("/annotated-context?conversation=s-entries-other&area=eu-central-1", null,
				"enterprise", null))
			.as("the resolver runs only for a request with a session: no plan here")
			.isEqualTo("gpt-4o for none");
	}

	@Test
	void principalOfARequestWithoutASessionIdIsTheCustomerOfTheSessionsItsCodeStarts() throws Exception {
		assertThat(get("/annotated-context?conversation=s-no-header&area=us", null, null, "vip-1"))
			.isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(spanOf("s-no-header").attribute("fallom.customer_id")).isEqualTo("vip-1");
		assertThat(get("/explicit?conversation=s-explicit", null, "vip-1", null)).as("the customer id header")
			.isEqualTo("claude-3-5-sonnet for vip-1");
		assertThat(spanOf("s-explicit").attribute("fallom.customer_id")).isEqualTo("vip-1");
	}

	@Test
	void contextResolverFieldsOfARequestWithoutASessionIdReachTargeting() throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/explicit?conversation=s-explicit-plan"))
			.header("X-Test-Plan", "enterprise")
			.header("X-Test-Region", "eu-north-1");
		assertThat(send(request, null, "someone", null)).isEqualTo("claude-3-5-sonnet for someone");
		assertThat(getWithAccount("/explicit?conversation=s-explicit-anonymous", null, "enterprise", "eu-north-1"))
			.as("no customer: no resolver, as for any request without a session or a customer")
			.isEqualTo("gpt-4o for none");
	}

	@Test
	void customerOfARequestWithoutASessionIdDoesNotOutliveTheRequest() throws Exception {
		// One Tomcat thread: each request runs where the last one ran.
		for (int i = 0; i < 5; i++) {
			assertThat(get("/explicit?conversation=s-leak-vip-" + i, null, "vip-1", null))
				.isEqualTo("claude-3-5-sonnet for vip-1");
			assertThat(get("/explicit?conversation=s-leak-anonymous-" + i, null, null, null))
				.isEqualTo("gpt-4o for none");
		}
	}

	private static ReceivedSpan spanOf(String sessionId) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> backend.receivedSpans()
				.stream()
				.filter((span) -> sessionId.equals(span.attribute("fallom.session_id")))
				.findFirst()
				.orElse(null), (span) -> span != null);
	}

	private static String getWithAccount(String path, @Nullable String sessionId, @Nullable String plan,
			@Nullable String region) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
		if (plan != null) {
			request.header("X-Test-Plan", plan);
		}
		if (region != null) {
			request.header("X-Test-Region", region);
		}
		return send(request, sessionId, null, null);
	}

	private static String get(String path, @Nullable String sessionId, @Nullable String customerId,
			@Nullable String user) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(base.resolve(path)), sessionId, customerId, user);
	}

	private static String send(HttpRequest.Builder request, @Nullable String sessionId, @Nullable String customerId,
			@Nullable String user) throws IOException, InterruptedException {
		if (sessionId != null) {
			request.header("X-Fallom-Session-Id", sessionId);
		}
		if (customerId != null) {
			request.header("X-Fallom-Customer-Id", customerId);
		}
		if (user != null) {
			request.header("X-Test-User", user);
		}
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ ChatController.class, AnnotatedChat.class })
	static class TestApplication {

		@Bean
		ObservedChatModel chatModel(ObservationRegistry observationRegistry) {
			return new ObservedChatModel(observationRegistry);
		}

		@Bean
		FallomContextResolver fallomContextResolver() {
			// A stand-in for fields read from the user's account: here, headers.
			return (request) -> {
				Map<String, String> fields = new HashMap<>();
				fields.put("plan", request.getHeader("X-Test-Plan"));
				fields.put("region", request.getHeader("X-Test-Region"));
				return fields;
			};
		}

		@Bean
		FilterRegistrationBean<TestAuthenticationFilter> testAuthenticationFilter() {
			FilterRegistrationBean<TestAuthenticationFilter> registration = new FilterRegistrationBean<>(
					new TestAuthenticationFilter());
			// Where Spring Security's filter chain sits.
			registration.setOrder(-100);
			return registration;
		}

	}

	/**
	 * Authenticates a request as the user named by {@code X-Test-User}, wrapping it as
	 * Spring Security does.
	 */
	static class TestAuthenticationFilter extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
				FilterChain filterChain) throws ServletException, IOException {
			String user = request.getHeader("X-Test-User");
			if (user == null) {
				filterChain.doFilter(request, response);
				return;
			}
			Principal principal = () -> user;
			filterChain.doFilter(new HttpServletRequestWrapper(request) {

				@Override
				public Principal getUserPrincipal() {
					return principal;
				}

			}, response);
		}

	}

	static String chat(FallomModels models, ObservedChatModel chatModel) {
		FallomSessionContext session = FallomSessionHolder.get();
		String model = models.get(session.configKey(), session.sessionId());
		chatModel.call(new Prompt(List.of(new UserMessage("hello")), ChatOptions.builder().model(model).build()));
		String customerId = FallomSessionHolder.get().customerId();
		return model + " for " + ((customerId != null) ? customerId : "none");
	}

	@RestController
	static class ChatController {

		private final FallomModels models;

		private final ObservedChatModel chatModel;

		private final AnnotatedChat annotatedChat;

		ChatController(FallomModels models, ObservedChatModel chatModel, AnnotatedChat annotatedChat) {
			this.models = models;
			this.chatModel = chatModel;
			this.annotatedChat = annotatedChat;
		}

		@GetMapping("/chat")
		String chat() {
			return FallomSessionFilterCustomerIdTests.chat(this.models, this.chatModel);
		}

		@GetMapping("/annotated")
		String annotated(@RequestParam String conversation, @RequestParam String user) {
			return this.annotatedChat.answer(conversation, user);
		}

		@GetMapping("/explicit")
		String explicit(@RequestParam String conversation) {
			// The session id is the caller's, not the request's: FallomModels starts it.
			this.models.get("support", conversation);
			return FallomSessionFilterCustomerIdTests.chat(this.models, this.chatModel);
		}

		@GetMapping("/annotated-context")
		String annotatedContext(@RequestParam String conversation, @RequestParam String area) {
			return this.annotatedChat.answerInRegion(conversation, area);
		}

	}

	static class AnnotatedChat {

		private final FallomModels models;

		private final ObservedChatModel chatModel;

		AnnotatedChat(FallomModels models, ObservedChatModel chatModel) {
			this.models = models;
			this.chatModel = chatModel;
		}

		@FallomSession(configKey = "support", sessionId = "#conversation", customerId = "#user")
		String answer(String conversation, String user) {
			return FallomSessionFilterCustomerIdTests.chat(this.models, this.chatModel);
		}

		@FallomSession(configKey = "support", sessionId = "#conversation", context = "region=#region",
				metadata = { "channel=web", "priority=#region.length() > 3 ? 2 : 1" },
				tags = { "beta", "'region-' + #region" })
		String answerInRegion(String conversation, String region) {
			return FallomSessionFilterCustomerIdTests.chat(this.models, this.chatModel);
		}

	}

}
