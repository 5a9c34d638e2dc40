package com.fallom.langchain4j;

import java.util.List;
import java.util.Map;

import com.fallom.Fallom;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.ReceivedSpan;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code AiServices} agent with a tool, A/B tested by {@link FallomChatModel} and
 * traced by {@link FallomChatModelListener} and {@link FallomToolExecutionListener}: the
 * whole run reaches Fallom under the application's span.
 */
class FallomAiServicesTests {

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	@BeforeAll
	static void configs() {
		fallomServer.server().putConfig("orders-agent", 2, Map.of("gpt-4o", 100));
	}

	@AfterEach
	void closeFallom() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	@Test
	void agentRunExportsChatToolAndChatSpansUnderTheApplicationsSpan() {
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"),
					ProviderReply.text("Order 4711 is in transit."));
		Assistant assistant = assistant(false, new OrderTools());
		String answer;
		try (SdkTracerProvider appTracing = SdkTracerProvider.builder().build()) {
			Span appSpan = appTracing.get("app").spanBuilder("POST /chat").startSpan();
			try (Scope scope = appSpan.makeCurrent();
					FallomTrace.Scope session = this.fallom.trace().withSession("orders-agent", "session-1")) {
				answer = assistant.chat("Where is order 4711?");
			}
			finally {
				appSpan.end();
			}
			assertThat(answer).isEqualTo("Order 4711 is in transit.");
			List<ReceivedSpan> spans = spans(3);
			assertThat(spans).extracting(ReceivedSpan::name)
				.containsExactlyInAnyOrder("chat gpt-4o", "execute_tool orderStatus", "chat gpt-4o");
			assertThat(spans).allSatisfy((span) -> {
				assertThat(span.traceId()).isEqualTo(appSpan.getSpanContext().getTraceId());
				assertThat(span.parentSpanId()).isEqualTo(appSpan.getSpanContext().getSpanId());
				assertThat(span.attributes()).containsEntry("fallom.config_key", "orders-agent")
					.containsEntry("fallom.session_id", "session-1")
					.containsEntry("fallom.config_version", "2");
			});
		}
		ReceivedSpan tool = span("execute_tool orderStatus");
		assertThat(tool.kind()).isEqualTo("INTERNAL");
		assertThat(tool.statusCode()).isEqualTo("UNSET");
		assertThat(tool.attributes()).containsEntry("gen_ai.operation.name", "execute_tool")
			.containsEntry("gen_ai.tool.name", "orderStatus")
			.containsEntry("gen_ai.tool.type", "function")
			.doesNotContainKeys("gen_ai.tool.call.arguments", "gen_ai.tool.call.result");
		assertThat(tool.attribute("gen_ai.tool.call.id")).startsWith("call_");
		assertThat(tool.endEpochNanos()).isGreaterThanOrEqualTo(tool.startEpochNanos());
		assertThat(provider.server().requests()).hasSize(2)
			.allSatisfy((request) -> assertThat(request.model()).isEqualTo("gpt-4o"));
	}

	@Test
	void toolSpanCarriesArgumentsAndResultWhenCapturingContent() {
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"), ProviderReply.text("In transit."));
		Assistant assistant = assistant(true, new OrderTools());
		try (FallomTrace.Scope session = this.fallom.trace().withSession("orders-agent", "session-2")) {
			assistant.chat("Where is order 4711?");
		}
		spans(3);
		assertThat(span("execute_tool orderStatus").attributes())
			.containsEntry("gen_ai.tool.call.arguments", "{\"id\":\"4711\"}")
			.containsEntry("gen_ai.tool.call.result", "in transit");
	}

	@Test
	void failedToolExportsAnErrorSpanAndTheAgentGoesOn() {
		provider.server()
			.enqueue(ProviderReply.toolCall("orderStatus", "{\"id\":\"4711\"}"),
					ProviderReply.text("The order service is down."));
		Assistant assistant = assistant(false, new BrokenOrderTools());
		try (FallomTrace.Scope session = this.fallom.trace().withSession("orders-agent", "session-3")) {
			assertThat(assistant.chat("Where is order 4711?")).isEqualTo("The order service is down.");
		}
		spans(3);
		ReceivedSpan tool = span("execute_tool orderStatus");
		assertThat(tool.statusCode()).isEqualTo("ERROR");
		assertThat(tool.statusMessage()).isEqualTo("tool_error").doesNotContain("4711");
		assertThat(provider.server().lastRequest().hasToolResult()).isTrue();
	}

	private Assistant assistant(boolean captureContent, Object tools) {
		this.fallom = Fallom.builder(Map.of())
			// These tests read the OTLP span attributes the integration writes
			.tracingProtocol("otlp")
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(captureContent)
			.build();
		ChatModel model = FallomChatModel.builder(this.fallom.models(), "orders-agent")
			.fallback("gpt-4o-mini")
			.models((name) -> OpenAiChatModel.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.modelName(name)
				.maxRetries(0)
				.listeners(List.of(FallomChatModelListener.create(this.fallom)))
				.build())
			.build();
		return AiServices.builder(Assistant.class)
			.chatModel(model)
			.tools(tools)
			.afterToolExecution(FallomToolExecutionListener.create(this.fallom))
			.build();
	}

	private List<ReceivedSpan> spans(int expected) {
		this.fallom.close();
		List<ReceivedSpan> spans = fallomServer.server().receivedSpans();
		assertThat(spans).hasSize(expected);
		return spans;
	}

	private ReceivedSpan span(String name) {
		return fallomServer.server()
			.receivedSpans()
			.stream()
			.filter((span) -> span.name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	interface Assistant {

		String chat(String message);

	}

	static class OrderTools {

		@Tool("Look up the status of an order")
		String orderStatus(String id) {
			return "in transit";
		}

	}

	static class BrokenOrderTools {

		@Tool("Look up the status of an order")
		String orderStatus(String id) {
			throw new IllegalStateException("Order service down for order " + id);
		}

	}

}
