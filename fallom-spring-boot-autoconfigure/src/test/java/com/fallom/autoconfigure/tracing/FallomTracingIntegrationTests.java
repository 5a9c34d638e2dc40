package com.fallom.autoconfigure.tracing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.Fault;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.TraceRecord;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of tracing through the real Spring Boot 4 auto-configuration chain
 * (observation, OpenTelemetry SDK, Micrometer tracing, OTLP) and Fallom's, against a
 * {@link FallomMockServer} over real HTTP.
 */
@FallomMockServerTest
class FallomTracingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static final AutoConfigurations BOOT_AND_FALLOM = AutoConfigurations.of(ObservationAutoConfiguration.class,
			OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
			MicrometerTracingAutoConfiguration.class, OtlpTracingAutoConfiguration.class, FallomAutoConfiguration.class,
			FallomModelsAutoConfiguration.class, FallomTracingAutoConfiguration.class);

	@BeforeAll
	static void configs(FallomMockServer server) {
		server.putConfig("support", 3, Map.of("gpt-4o", 50, "claude-3-5-sonnet", 50));
	}

	@AfterEach
	void clearSession() {
		// setSession leaves the session on this thread: it must not reach the next test.
		FallomSessionHolder.clear();
	}

	/**
	 * A context that exports chat calls only, so these tests count chat spans; the spans
	 * of the rest of an agent run are tested with {@link #agentRunner(FallomMockServer)}.
	 */
	static ApplicationContextRunner runner(FallomMockServer server) {
		return agentRunner(server).withPropertyValues("fallom.tracing.include-non-chat=false");
	}

	static ApplicationContextRunner agentRunner(FallomMockServer server) {
		return new ApplicationContextRunner().withConfiguration(BOOT_AND_FALLOM)
			.withUserConfiguration(ChatConfiguration.class)
			.withPropertyValues(server.propertyValues())
			// These tests read the OTLP span attributes; FallomTraceRecordsIntegrationTests reads records
			.withPropertyValues("spring.application.name=tracing-test", "fallom.tracing.protocol=otlp");
	}

	@Test
	void aChatClientCallReachesFallomAsTheRunsRootWithTheChatSpanUnderItAndTheSessionOnEach(
			FallomMockServer server) {
		agentRunner(server).run((context) -> {
			context.getBean(FallomTrace.class).setSession("agent", "user-a");
			context.getBean(ChatClient.class).prompt().user("What is 2+2?").call().content();
			context.getBean(ChatClient.class).prompt().user("Stream it").stream().content().blockLast(WAIT);
			FallomSessionHolder.clear();
			await().atMost(WAIT)
				.until(() -> server.receivedSpans().stream().filter(ReceivedSpan::isRoot).count() == 2
						&& server.receivedSpans().stream().filter((span) -> span.name().startsWith("chat ")).count() == 2);
			List<ReceivedSpan> spans = server.receivedSpans();
			assertThat(spans).filteredOn(ReceivedSpan::isRoot)
				.allSatisfy((root) -> assertThat(root.attribute("spring.ai.kind")).isEqualTo("chat_client"));
			assertThat(spans).filteredOn((span) -> span.name().startsWith("chat ")).allSatisfy((chat) -> {
				ReceivedSpan root = spans.stream()
					.filter((span) -> span.isRoot() && span.traceId().equals(chat.traceId()))
					.findFirst()
					.orElseThrow();
				assertThat(chat.isRoot()).isFalse();
				assertThat(root.attribute("spring.ai.kind")).isEqualTo("chat_client");
			});
			assertThat(spans).allSatisfy((span) -> assertThat(span.attribute("fallom.session_id")).isEqualTo("user-a"));
		});
	}

	private static ReceivedSpan onlyFallomSpan(FallomMockServer server) {
		await().atMost(WAIT).until(() -> server.receivedSpans().size() == 1);
		return server.receivedSpans().get(0);
	}

	@Test
	void everyChatCallReachesFallomOverOtlpWithGenAiAttributesAndTheAssignment(FallomMockServer server) {
		runner(server).run((context) -> {
			ModelAssignment assignment = context.getBean(FallomModels.class).assign("support", "user-1");
			context.getBean(ChatClient.class).prompt().user("What is 2+2?").call().content();
			ReceivedSpan span = onlyFallomSpan(server);
			assertThat(span.name()).isEqualTo("chat gpt-4o");
			assertThat(span.kind()).isEqualTo("CLIENT");
			assertThat(span.attribute("gen_ai.system")).isEqualTo("openai");
			assertThat(span.attribute("gen_ai.request.model")).isEqualTo("gpt-4o");
			assertThat(span.attribute("gen_ai.response.model")).isEqualTo(ObservedChatModel.RESPONSE_MODEL);
			assertThat(span.attribute("gen_ai.usage.input_tokens")).isEqualTo("12");
			assertThat(span.attribute("gen_ai.usage.prompt_tokens")).isEqualTo("12");
			assertThat(span.attribute("gen_ai.usage.output_tokens")).isEqualTo("34");
			assertThat(span.attribute("gen_ai.usage.completion_tokens")).isEqualTo("34");
			assertThat(span.attribute("fallom.config_key")).isEqualTo("support");
			assertThat(span.attribute("fallom.session_id")).isEqualTo("user-1");
			assertThat(span.attribute("fallom.config_version")).isEqualTo("3");
			assertThat(span.attribute("fallom.variant")).isEqualTo(Integer.toString(assignment.variantIndex()));
			assertThat(span.attribute("gen_ai.prompt.0.role")).isEqualTo("user");
			assertThat(span.attribute("gen_ai.prompt.0.content")).isEqualTo("What is 2+2?");
			assertThat(span.attribute("gen_ai.completion.0.role")).isEqualTo("assistant");
			assertThat(span.attribute("gen_ai.completion.0.content")).isEqualTo("Hello from the model");
			assertThat(span.statusCode()).isEqualTo("UNSET");
			assertThat(span.duration()).isPositive();
			assertThat(span.resourceAttributes()).containsEntry("service.name", "tracing-test");
			assertThat(server.requests(Endpoint.TRACES).get(0).header("Authorization"))
				.isEqualTo("Bearer " + server.apiKey());
			assertThat(server.requests(Endpoint.TRACES).get(0).header("Content-Type"))
				.isEqualTo("application/x-protobuf");
		});
	}

	@Test
	void bootsDefaultSamplingOfOneInTenStillExportsEveryCall(FallomMockServer server) {
		runner(server).run((context) -> {
			ChatClient chatClient = context.getBean(ChatClient.class);
			context.getBean(FallomTrace.class).setSession("support", "user-2");
			for (int i = 0; i < 30; i++) {
				chatClient.prompt().user("call " + i).call().content();
			}
			await().atMost(WAIT).until(() -> server.receivedSpans().size() == 30);
			assertThat(server.receivedSpans()).allSatisfy(
					(span) -> assertThat(span.attribute("fallom.session_id")).isEqualTo("user-2"));
		});
	}

	@Test
	void fallomSpansShareTheApplicationsTraceAndParentEvenWhenItIsNotSampled(FallomMockServer server) {
		runner(server).withPropertyValues("management.tracing.sampling.probability=0.0").run((context) -> {
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			ObservedChatModel chatModel = context.getBean(ObservedChatModel.class);
			SpanContext request = Observation.createNotStarted("http.server.requests", registry).observe(() -> {
				chatModel.call(prompt("hi"));
				return Span.current().getSpanContext();
			});
			assertThat(request.isValid()).isTrue();
			assertThat(request.isSampled()).isFalse();
			ReceivedSpan span = onlyFallomSpan(server);
			assertThat(span.traceId()).isEqualTo(request.getTraceId());
			assertThat(span.parentSpanId()).isEqualTo(request.getSpanId());
		});
	}

	@Test
	void appWithItsOwnOtlpExporterKeepsItsPipelineAndItsSpansJoinFallomsTrace(FallomMockServer server) {
		try (FallomMockServer appCollector = FallomMockServer.start()) {
			runner(server)
				.withPropertyValues("management.tracing.sampling.probability=1.0",
						"management.opentelemetry.tracing.export.otlp.endpoint=" + appCollector.baseUrl() + "/v1/traces",
						"management.opentelemetry.tracing.export.otlp.headers.Authorization=Bearer "
								+ appCollector.apiKey(),
						"management.opentelemetry.tracing.export.schedule-delay=50ms")
				.run((context) -> {
					assertThat(context).hasSingleBean(OtlpHttpSpanExporter.class).hasSingleBean(BatchSpanProcessor.class);
					FallomTrace trace = context.getBean(FallomTrace.class);
					trace.setSession("support", "user-3");
					context.getBean(ChatClient.class).prompt().user("hi").call().content();
					context.getBean(Tracer.class).spanBuilder("app-work").startSpan().end();
					trace.clearSession();
					ReceivedSpan fallomSpan = onlyFallomSpan(server);
					await().atMost(WAIT).until(() -> appCollector.receivedSpans().size() >= 3);
					List<ReceivedSpan> appSpans = appCollector.receivedSpans();
					ReceivedSpan appChatModel = find(appSpans, "chat gpt-4o");
					ReceivedSpan appChatClient = find(appSpans, "spring_ai chat_client");
					ReceivedSpan appWork = find(appSpans, "app-work");
					assertThat(fallomSpan.traceId()).isEqualTo(appChatModel.traceId())
						.isEqualTo(appChatClient.traceId());
					// Fallom's span is the app's chat model span's sibling: same parent (the
					// ChatClient's advisor span).
					assertThat(fallomSpan.parentSpanId()).isNotEmpty().isEqualTo(appChatModel.parentSpanId());
					for (ReceivedSpan appSpan : List.of(appChatModel, appChatClient, appWork)) {
						assertThat(appSpan.attribute("fallom.config_key")).isEqualTo("support");
						assertThat(appSpan.attribute("fallom.session_id")).isEqualTo("user-3");
					}
					// The app's own spans never reach Fallom.
					assertThat(server.receivedSpans()).hasSize(1);
				});
		}
	}

	private static ReceivedSpan find(List<ReceivedSpan> spans, String name) {
		return spans.stream()
			.filter((span) -> span.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No span '" + name + "' in "
					+ spans.stream().map(ReceivedSpan::name).toList()));
	}

	@Test
	void appWithoutAnyTracingStillExportsEveryCall(FallomMockServer server) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, FallomAutoConfiguration.class,
					FallomTracingAutoConfiguration.class))
			.withUserConfiguration(ChatConfiguration.class)
			.withPropertyValues(server.propertyValues())
			.run((context) -> {
				context.getBean(FallomTrace.class).setSession("support", "user-4");
				context.getBean(ObservedChatModel.class).call(prompt("hi"));
				// The default protocol: one trace record
				await().atMost(WAIT).until(() -> server.traceRecords().size() == 1);
				TraceRecord record = server.traceRecords().get(0);
				assertThat(record.parentSpanId()).isNull();
				assertThat(record.sessionId()).isEqualTo("user-4");
				assertThat(record.tokens("completion_tokens")).isEqualTo(34);
			});
	}

	@Test
	void streamedCallReachesFallomAsOneSpanWithOneAggregatedCompletion(FallomMockServer server) {
		runner(server).run((context) -> {
			context.getBean(ObservedChatModel.class).answering("Streaming answer in pieces");
			context.getBean(FallomTrace.class).setSession("support", "user-5");
			String streamed = String.join("", context.getBean(ChatClient.class)
				.prompt()
				.user("stream it")
				.stream()
				.content()
				.collectList()
				.block(WAIT));
			assertThat(streamed).isEqualTo("Streaming answer in pieces");
			ReceivedSpan span = onlyFallomSpan(server);
			assertThat(span.attribute("gen_ai.completion.0.content")).isEqualTo("Streaming answer in pieces");
			assertThat(span.attributes()).doesNotContainKey("gen_ai.completion.1.content");
			assertThat(span.attribute("gen_ai.usage.output_tokens")).isEqualTo("34");
			assertThat(span.attribute("fallom.session_id")).isEqualTo("user-5");
		});
	}

	@Test
	void failedCallsReachFallomWithErrorStatus(FallomMockServer server) {
		runner(server).run((context) -> {
			context.getBean(ObservedChatModel.class).failingWith(new IllegalStateException("provider is down"));
			assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(ChatClient.class).prompt().user("hi").call().content());
			ReceivedSpan span = onlyFallomSpan(server);
			assertThat(span.statusCode()).isEqualTo("ERROR");
			assertThat(span.statusMessage()).contains("IllegalStateException");
			assertThat(span.attribute("error.type")).isEqualTo("java.lang.IllegalStateException");
		});
	}

	@Test
	void backendDownLeavesChatCallsUnaffectedAndCountsDrops(FallomMockServer server) {
		server.fault(Endpoint.TRACES, Fault.delay(Duration.ofSeconds(5)));
		runner(server)
			.withPropertyValues("fallom.tracing.queue-capacity=2", "fallom.tracing.batch-size=1",
					"fallom.tracing.export-timeout=1s", "fallom.shutdown-timeout=200ms")
			.run((context) -> {
				ChatClient chatClient = context.getBean(ChatClient.class);
				for (int i = 0; i < 30; i++) {
					assertThat(chatClient.prompt().user("hi").call().content()).isEqualTo("Hello from the model");
				}
				FallomTraceExporter exporter = context.getBean(Fallom.class).traceExporter();
				// Two exports in flight and two spans queued at most; the rest are dropped
				assertThat(exporter.getDroppedCount()).isGreaterThanOrEqualTo(26);
				assertThat(exporter.getQueueSize()).isLessThanOrEqualTo(4);
				// A timed-out export waits for a retry rather than being dropped
				await().atMost(WAIT).until(() -> exporter.getRetriedCount() >= 1);
				assertThat(exporter.getFailedCount()).isZero();
			});
	}

	@Test
	void unreachableBackendLeavesChatCallsUnaffected() {
		new ApplicationContextRunner().withConfiguration(BOOT_AND_FALLOM)
			.withUserConfiguration(ChatConfiguration.class)
			.withPropertyValues("fallom.api-key=key", "fallom.base-url=http://127.0.0.1:9",
					"fallom.models.startup-timeout=0s", "fallom.tracing.include-non-chat=false")
			.run((context) -> {
				for (int i = 0; i < 5; i++) {
					assertThat(context.getBean(ChatClient.class).prompt().user("hi").call().content())
						.isEqualTo("Hello from the model");
				}
				FallomTraceExporter exporter = context.getBean(Fallom.class).traceExporter();
				// Kept for a retry, not dropped, while the backend cannot be reached
				await().atMost(WAIT).until(() -> exporter.getRetriedCount() >= 1);
				assertThat(exporter.getDroppedCount()).isZero();
				assertThat(exporter.getFailedCount()).isZero();
				assertThat(exporter.getExportedCount()).isZero();
			});
	}

	@Test
	void shutdownFlushesQueuedSpans(FallomMockServer server) {
		runner(server).run((context) -> {
			ChatClient chatClient = context.getBean(ChatClient.class);
			for (int i = 0; i < 5; i++) {
				chatClient.prompt().user("hi").call().content();
			}
			context.close();
			assertThat(server.receivedSpans()).hasSize(5);
		});
	}

	private static Prompt prompt(String text) {
		return new Prompt(List.of(new UserMessage(text)), ChatOptions.builder().model("gpt-4o").build());
	}

	@Configuration(proxyBeanMethods = false)
	static class ChatConfiguration {

		@Bean
		ObservedChatModel chatModel(ObservationRegistry observationRegistry) {
			return new ObservedChatModel(observationRegistry);
		}

		@Bean
		ChatClient chatClient(ObservedChatModel chatModel, ObservationRegistry observationRegistry) {
			return ChatClient.create(chatModel, observationRegistry);
		}

	}

}
