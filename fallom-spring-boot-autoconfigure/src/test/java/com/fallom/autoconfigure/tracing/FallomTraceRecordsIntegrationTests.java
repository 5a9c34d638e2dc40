package com.fallom.autoconfigure.tracing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.TraceRecord;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.internal.RecordExportSpanProcessor;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static com.fallom.test.FallomAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the trace records, the default wire format, through the real
 * Spring Boot 4 auto-configuration chain and Fallom's, against a {@link FallomMockServer}
 * over real HTTP.
 */
@FallomMockServerTest
class FallomTraceRecordsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@BeforeAll
	static void configs(FallomMockServer server) {
		server.putConfig("support", 3, Map.of("gpt-4o", 100));
	}

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	/** Boot and Fallom with no protocol set: records are the default. */
	private static ApplicationContextRunner runner(FallomMockServer server) {
		return new ApplicationContextRunner().withConfiguration(FallomTracingIntegrationTests.BOOT_AND_FALLOM)
			.withUserConfiguration(FallomTracingIntegrationTests.ChatConfiguration.class)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("spring.application.name=records-test");
	}

	@Test
	void everyChatCallReachesFallomAsOneJsonRecordWithTheSessionModelUsageAndContent(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.tracing.include-non-chat=false").run((context) -> {
			assertThat(context.getBean(Fallom.class).traceExporter().getProcessor())
				.isInstanceOf(RecordExportSpanProcessor.class);
			context.getBean(FallomModels.class).assign("support", "user-1");
			context.getBean(ChatClient.class).prompt().user("What is 2+2?").call().content();
			await().atMost(WAIT).until(() -> server.traceRecords().size() == 1);
			TraceRecord record = server.traceRecords().get(0);
			assertThat(record.kind()).isEqualTo("llm");
			assertThat(record.name()).isEqualTo("chat.completions.create");
			assertThat(record.attribute("fallom.method")).isEqualTo("chat.completions.create");
			assertThat(record.attribute("fallom.sdk_version")).isEqualTo("2");
			assertThat(record.model()).isEqualTo(ObservedChatModel.RESPONSE_MODEL);
			assertThat(record.status()).isEqualTo("OK");
			assertThat(record.configKey()).isEqualTo("support");
			assertThat(record.sessionId()).isEqualTo("user-1");
			assertThat(record.traceId()).matches("[0-9a-f]{32}");
			assertThat(record.spanId()).matches("[0-9a-f]{16}");
			assertThat(record.startTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00");
			assertThat(record.messages()).containsExactly(Map.of("role", "user", "content", "What is 2+2?"));
			assertThat(record.responseText()).isEqualTo("Hello from the model");
			assertThat(record.rawResponse()).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("responseId", ObservedChatModel.RESPONSE_ID)
				.containsEntry("finishReason", "stop");
			assertThat(record.attribute("fallom.integration")).isEqualTo("spring-ai");
			assertThat(record.rawUsage()).containsEntry("prompt_tokens", 12).containsEntry("completion_tokens", 34);
			assertThat(server).receivedChatRecord().forSession("user-1").hasPromptTokens(12).hasCompletionTokens(34);
			assertThat(server.requests(Endpoint.TRACES).get(0).header("Content-Type")).startsWith("application/json");
			assertThat(server.traceSpans()).isEmpty();
		});
	}

	@Test
	void aChatClientRunIsAChainRecordWithItsChatRecordUnderItInOneTrace(FallomMockServer server) {
		runner(server).run((context) -> {
			context.getBean(FallomTrace.class).setSession("agent", "user-a");
			context.getBean(ChatClient.class).prompt().user("What is 2+2?").call().content();
			FallomSessionHolder.clear();
			await().atMost(WAIT)
				.until(() -> server.traceRecords().stream().anyMatch((record) -> "llm".equals(record.kind()))
						&& server.traceRecords().stream().anyMatch((record) -> record.parentSpanId() == null));
			List<TraceRecord> records = server.traceRecords();
			TraceRecord root = records.stream().filter((record) -> record.parentSpanId() == null).findFirst().orElseThrow();
			TraceRecord chat = records.stream().filter((record) -> "llm".equals(record.kind())).findFirst().orElseThrow();
			assertThat(root.kind()).isEqualTo("chain");
			assertThat(records).allSatisfy((record) -> {
				assertThat(record.traceId()).isEqualTo(root.traceId());
				assertThat(record.sessionId()).isEqualTo("user-a");
			});
			assertThat(chat.parentSpanId()).isNotNull();
			assertThat(records).extracting(TraceRecord::spanId).contains(chat.parentSpanId());
		});
	}

	@Test
	void aStreamedCallIsOneRecordThatSaysItWasStreamed(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.tracing.include-non-chat=false").run((context) -> {
			context.getBean(ObservedChatModel.class).answering("Streaming answer in pieces");
			context.getBean(ChatClient.class).prompt().user("stream it").stream().content().blockLast(WAIT);
			await().atMost(WAIT).until(() -> server.traceRecords().size() == 1);
			TraceRecord record = server.traceRecords().get(0);
			assertThat(record.isStreaming()).isTrue();
			assertThat(record.responseText()).isEqualTo("Streaming answer in pieces");
		});
	}

	@Test
	void aFailedCallIsAnErrorRecordWithTheRequestModel(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.tracing.include-non-chat=false").run((context) -> {
			context.getBean(ObservedChatModel.class).failingWith(new IllegalStateException("provider is down"));
			assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(ChatClient.class).prompt().user("hi").call().content());
			await().atMost(WAIT).until(() -> server.traceRecords().size() == 1);
			TraceRecord record = server.traceRecords().get(0);
			assertThat(record.status()).isEqualTo("ERROR");
			assertThat(record.errorMessage()).contains("provider is down");
			assertThat(record.model()).isEqualTo("gpt-4o");
			assertThat(record.hasContent()).isFalse();
		});
	}

	@Test
	void anUnknownProtocolFailsStartUpNamingTheProperty(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.tracing.protocol=zipkin").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("fallom.tracing.protocol");
		});
	}

	@Test
	void otlpIsAvailableAsASetting(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.tracing.include-non-chat=false", "fallom.tracing.protocol=otlp")
			.run((context) -> {
				context.getBean(ChatClient.class).prompt().user("hi").call().content();
				await().atMost(WAIT).until(() -> server.traceSpans().size() == 1);
				assertThat(server.traceRecords()).isEmpty();
			});
	}

}
