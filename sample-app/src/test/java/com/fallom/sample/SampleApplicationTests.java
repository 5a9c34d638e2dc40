package com.fallom.sample;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fallom.sample.backend.BackendSummary;
import com.fallom.sample.support.AccountPlanConfiguration;
import com.fallom.sample.support.ChatController;
import com.fallom.sample.support.ChatController.ChatRequest;
import com.fallom.sample.support.SupportAssistant.ChatAnswer;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample's real {@code main} on a random port, with its embedded mock backend on
 * another, and checks the whole protocol end to end over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS,
		properties = "sample.mock-backend.port=0")
class SampleApplicationTests {

	private static final int SESSIONS = 50;

	private static final Duration DELIVERY = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private FallomMockServer fallom;

	private RestClient client;

	@BeforeEach
	void setUp() {
		this.client = RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void embeddedBackendServesTheBootstrapConfigOverHttp() {
		assertThat(this.fallom.port()).isNotEqualTo(8001);
		assertThat(this.fallom.requestCount(Endpoint.CONFIGS)).isPositive();
		assertThat(this.fallom.requestCount(Endpoint.PROMPTS)).isPositive();
		assertThat(this.fallom.requestCount(Endpoint.PROMPT_AB_TESTS)).isPositive();
	}

	@Test
	void chatIsStickyPerSessionSplitsBetweenBothModelsAndEveryCallReachesTheBackend() {
		Map<String, String> modelBySession = new HashMap<>();
		Map<String, String> promptBySession = new HashMap<>();
		for (int i = 0; i < SESSIONS; i++) {
			String sessionId = "e2e-" + i;
			ChatAnswer first = chat(sessionId, "I can't log in");
			ChatAnswer second = chat(sessionId, "Still can't log in");
			assertThat(first.sessionId()).isEqualTo(sessionId);
			assertThat(second.model()).as("model of session %s", sessionId).isEqualTo(first.model());
			assertThat(first.configVersion()).isEqualTo(1);
			assertThat(first.reply()).startsWith("[" + first.model() + "]");
			modelBySession.put(sessionId, first.model());
			assertThat(second.promptKey()).as("prompt of session %s", sessionId).isEqualTo(first.promptKey());
			assertThat(first.promptVersion()).isEqualTo(1);
			assertThat(first.promptVariant()).isEqualTo(first.promptKey().equals("support-friendly") ? 0 : 1);
			promptBySession.put(sessionId, first.promptKey());
		}
		assertThat(new HashSet<>(promptBySession.values())).containsExactlyInAnyOrder("support-friendly",
				"support-concise");
		assertThat(new HashSet<>(modelBySession.values())).containsExactlyInAnyOrder("gpt-4o", "claude-3-5-sonnet");

		await().atMost(DELIVERY).untilAsserted(() -> assertThat(sessionRecords()).hasSize(SESSIONS));
		for (Map<String, Object> record : sessionRecords()) {
			String sessionId = (String) record.get("session_id");
			assertThat(record).containsEntry("config_key", "support-assistant")
				.containsEntry("config_version", 1)
				.containsEntry("assigned_model", modelBySession.get(sessionId));
		}

		await().atMost(DELIVERY).untilAsserted(() -> assertThat(chatRecords()).hasSize(2 * SESSIONS));
		Map<String, Integer> spansPerSession = new HashMap<>();
		for (TraceRecord record : chatRecords()) {
			String sessionId = record.sessionId();
			assertThat(record.configKey()).isEqualTo("support-assistant");
			assertThat(record.rawRequest()).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("model", modelBySession.get(sessionId));
			assertThat(record.model()).isEqualTo(modelBySession.get(sessionId));
			assertThat(record.string("prompt_key")).isEqualTo(promptBySession.get(sessionId));
			assertThat(record.body()).containsEntry("prompt_version", 1);
			assertThat(record.string("prompt_ab_test_key")).isEqualTo("support-system-prompt");
			spansPerSession.merge(sessionId, 1, Integer::sum);
		}
		assertThat(spansPerSession).hasSize(SESSIONS).allSatisfy((sessionId, spans) -> assertThat(spans).isEqualTo(2));

		BackendSummary received = this.client.get().uri("/fallom/received").retrieve().body(BackendSummary.class);
		assertThat(received.sessionsByModel()).containsOnlyKeys("gpt-4o", "claude-3-5-sonnet");
		assertThat(received.tracedCallsByModel()).containsOnlyKeys("gpt-4o", "claude-3-5-sonnet");
		assertThat(received.configFetches()).isPositive();
		assertThat(received.tracedCallsByPrompt()).containsOnlyKeys("support-friendly v1", "support-concise v1");
	}

	@Test
	void feedbackReachesTheBackendAsCustomMetricsOfTheSession() {
		chat("feedback-1", "Where is my refund?");
		ResponseEntity<Void> response = this.client.post()
			.uri("/feedback")
			.header(ChatController.SESSION_HEADER, "feedback-1")
			.body(Map.of("satisfaction", 4, "resolved", true))
			.retrieve()
			.toBodilessEntity();

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		await().atMost(DELIVERY)
			.untilAsserted(() -> assertThat(this.fallom.metrics())
				.filteredOn((metric) -> "feedback-1".equals(metric.get("session_id")))
				.singleElement()
				.satisfies((metric) -> assertThat(metric).containsEntry("config_key", "support-assistant")
					.containsEntry("data", Map.of("satisfaction", 4, "resolved", true))));
	}

	@Test
	void vipCustomerIsPinnedToTheSecondVariantByTargetingAndTracedAsTheCustomer() {
		for (int i = 0; i < 10; i++) {
			String sessionId = "vip-session-" + i;
			ChatAnswer answer = this.client.post()
				.uri("/chat")
				.header(ChatController.SESSION_HEADER, sessionId)
				.header("X-Fallom-Customer-Id", "vip-1")
				.body(new ChatRequest("I'm a VIP"))
				.retrieve()
				.body(ChatAnswer.class);
			assertThat(answer.model()).isEqualTo("claude-3-5-sonnet");
			assertThat(answer.assignedBy()).isEqualTo("individual_target");
		}
		await().atMost(DELIVERY)
			.untilAsserted(() -> assertThat(this.fallom.traceRecords()
				.stream()
				.filter((record) -> "vip-session-0".equals(record.sessionId())))
				.isNotEmpty()
				.allSatisfy((record) -> assertThat(record.customerId()).isEqualTo("vip-1")));
	}

	@Test
	void enterpriseAccountsArePinnedToTheSecondVariantByARuleOnTheResolvedPlan() {
		for (int i = 0; i < 10; i++) {
			ChatAnswer answer = this.client.post()
				.uri("/chat")
				.header(ChatController.SESSION_HEADER, "enterprise-session-" + i)
				.header(AccountPlanConfiguration.PLAN_HEADER, "enterprise")
				.body(new ChatRequest("We are a big company"))
				.retrieve()
				.body(ChatAnswer.class);
			assertThat(answer.model()).isEqualTo("claude-3-5-sonnet");
			assertThat(answer.assignedBy()).isEqualTo("rule");
		}
		ChatAnswer free = this.client.post()
			.uri("/chat")
			.header(ChatController.SESSION_HEADER, "free-session")
			.header(AccountPlanConfiguration.PLAN_HEADER, "free")
			.body(new ChatRequest("Hi"))
			.retrieve()
			.body(ChatAnswer.class);
		assertThat(free.assignedBy()).isEqualTo("hash");
	}

	private ChatAnswer chat(String sessionId, String message) {
		return this.client.post()
			.uri("/chat")
			.header(ChatController.SESSION_HEADER, sessionId)
			.body(new ChatRequest(message))
			.retrieve()
			.body(ChatAnswer.class);
	}

	private List<Map<String, Object>> sessionRecords() {
		return this.fallom.sessions()
			.stream()
			.filter((record) -> String.valueOf(record.get("session_id")).startsWith("e2e-"))
			.toList();
	}

	private List<TraceRecord> chatRecords() {
		Set<String> ids = new HashSet<>();
		return this.fallom.traceRecords()
			.stream()
			.filter((record) -> String.valueOf(record.sessionId()).startsWith("e2e-"))
			.filter((record) -> "llm".equals(record.kind()))
			.filter((record) -> ids.add(record.spanId()))
			.toList();
	}

}
