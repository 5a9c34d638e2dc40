package com.fallom.springai;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fallom.Fallom;
import com.fallom.prompts.FallomPrompt;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.internal.RecordConformance;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.util.MimeTypeUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Conformance with the Python SDK's records: every OpenAI chat-completions case of
 * {@code trace-record-vectors.json} without a Python-only quirk, driven through Spring
 * AI's real OpenAI client against the mock provider replaying the recorded response,
 * with the case's session and prompt, must send the record the Python SDK sent, compared
 * by {@link RecordConformance}.
 */
class SpringAiRecordConformanceTests {

	/**
	 * Cases Spring AI cannot express, each with the reason.
	 */
	static final Map<String, String> NOT_EXPRESSIBLE = Map.of("d072",
			"Spring AI's Media has no image detail: the request cannot say \"detail\": \"low\"");

	/**
	 * Request fields not compared: Spring AI's provider-neutral {@code ChatOptions} carry
	 * no tool choice (only {@code OpenAiChatOptions} does), so the integration, which
	 * depends on no provider module, cannot record it.
	 */
	static final Set<String> IGNORED_REQUEST_FIELDS = Set.of("tool_choice");

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNode vectors = RecordConformance.vectors();

	@RegisterExtension
	static FallomMockServerExtension fallomServer = new FallomMockServerExtension();

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	private Fallom fallom;

	@BeforeEach
	void reset() {
		fallomServer.server().reset();
		provider.server().reset();
	}

	@AfterEach
	void close() {
		if (this.fallom != null) {
			this.fallom.close();
		}
		FallomSessionHolder.clear();
	}

	static Stream<Arguments> cases() {
		return RecordConformance.chatCasesExcept(vectors, NOT_EXPRESSIBLE.keySet())
			.stream()
			.map((c) -> Arguments.of(RecordConformance.name(c), c));
	}

	@Test
	void everyCaseIsDrivenOrNamedAsNotExpressible() {
		assertThat(RecordConformance.chatCases(vectors)).hasSize(37);
		assertThat(cases().count()).isEqualTo(37 - NOT_EXPRESSIBLE.size());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void springAiSendsThePythonSdksRecord(String name, JsonNode c) {
		boolean capture = RecordConformance.capturesContent(c);
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(capture)
			.build();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FallomChatObservationHandler(this.fallom.tracer(), capture,
					this.fallom.getMaxContentLength()));
		OpenAiChatModel model = OpenAiChatModel.builder()
			.options(OpenAiChatOptions.builder()
				.baseUrl(provider.server().openAiBaseUrl())
				.apiKey("sk-test")
				.maxRetries(0)
				.build())
			.observationRegistry(registry)
			.build();

		JsonNode inputs = c.get("inputs");
		FallomSessionContext session = session(inputs.get("session"));
		FallomPrompt prompt = null;
		Context traceContext = Context.root();
		int exchange = 0;
		int calls = 0;
		for (int step = 0; step < inputs.get("steps").size(); step++) {
			JsonNode s = inputs.get("steps").get(step);
			String op = s.get("op").asString();
			if (op.startsWith("prompts.")) {
				JsonNode p = RecordConformance.outcome(c, step).get("prompt_result");
				prompt = new FallomPrompt(p.get("key").asString(), p.get("version").asInt(),
						p.get("system").asString(), p.get("user").asString(), RecordConformance.text(p, "ab_test_key"),
						p.hasNonNull("variant_index") ? p.get("variant_index").asInt() : null);
			}
			else if (op.equals("internal.set_trace_context")) {
				traceContext = Context.root()
					.with(Span.wrap(SpanContext.create(s.get("trace_id").asString(),
							s.get("parent_span_id").asString(), TraceFlags.getSampled(), TraceState.getDefault())));
			}
			else if (op.equals("openai.chat.completions.create")) {
				JsonNode response = c.get("exchanges").get(exchange++).get("response");
				provider.server()
					.enqueue(ProviderReply.recorded(response.get("status").asInt(),
							mapper.writeValueAsString(response.get("body"))));
				Prompt request = prompt(s.get("kwargs"), prompt);
				try (FallomTrace.Scope scope = this.fallom.trace().withSession(session);
						io.opentelemetry.context.Scope trace = traceContext.makeCurrent()) {
					if (response.get("status").asInt() == 200) {
						model.call(request);
					}
					else {
						assertThatException().isThrownBy(() -> model.call(request));
					}
				}
				calls++;
			}
		}

		int expected = calls;
		await().atMost(Duration.ofSeconds(20))
			.until(() -> fallomServer.server().traceRecords().size() >= expected);
		RecordConformance.assertRecordsConform(fallomServer.server().traceRecords(), c, IGNORED_REQUEST_FIELDS);
	}

	private static FallomSessionContext session(JsonNode s) {
		FallomSessionContext session = new FallomSessionContext(s.get("config_key").asString(),
				s.get("session_id").asString(), RecordConformance.text(s, "customer_id"));
		if (s.has("metadata")) {
			session = session.withMetadata(mapper.convertValue(s.get("metadata"), LinkedHashMap.class));
		}
		if (s.has("tags")) {
			session = session.withTags(mapper.convertValue(s.get("tags"), List.class));
		}
		return session;
	}

	/**
	 * The Spring AI prompt of a case's request: its messages, tools and parameters, the
	 * messages carrying the managed prompt the case used.
	 */
	private static Prompt prompt(JsonNode kwargs, FallomPrompt managed) {
		Map<String, Object> promptMetadata = (managed != null) ? managed.attributes() : Map.of();
		Map<String, String> toolNames = new HashMap<>();
		List<Message> messages = new ArrayList<>();
		for (JsonNode m : kwargs.get("messages")) {
			String role = m.get("role").asString();
			JsonNode content = m.get("content");
			switch (role) {
				case "system" -> messages.add(SystemMessage.builder()
					.text(content.asString())
					.metadata(new HashMap<>(promptMetadata))
					.build());
				case "user" -> {
					UserMessage.Builder user = UserMessage.builder().metadata(new HashMap<>(promptMetadata));
					if (content.isArray()) {
						List<Media> media = new ArrayList<>();
						for (JsonNode part : content) {
							if (part.get("type").asString().equals("text")) {
								user.text(part.get("text").asString());
							}
							else {
								media.add(new Media(MimeTypeUtils.IMAGE_PNG,
										URI.create(part.get("image_url").get("url").asString())));
							}
						}
						user.media(media);
					}
					else {
						user.text(content.asString());
					}
					messages.add(user.build());
				}
				case "assistant" -> {
					List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
					if (m.has("tool_calls")) {
						for (JsonNode call : m.get("tool_calls")) {
							String toolName = call.get("function").get("name").asString();
							toolNames.put(call.get("id").asString(), toolName);
							toolCalls.add(new AssistantMessage.ToolCall(call.get("id").asString(), "function", toolName,
									call.get("function").get("arguments").asString()));
						}
					}
					messages.add(AssistantMessage.builder()
						.content(content.isNull() ? null : content.asString())
						.toolCalls(toolCalls)
						.build());
				}
				case "tool" -> messages.add(ToolResponseMessage.builder()
					.responses(List.of(new ToolResponseMessage.ToolResponse(m.get("tool_call_id").asString(),
							toolNames.get(m.get("tool_call_id").asString()), content.asString())))
					.build());
				default -> throw new IllegalStateException("Unknown role " + role);
			}
		}
		OpenAiChatOptions.Builder options = OpenAiChatOptions.builder().model(kwargs.get("model").asString());
		if (kwargs.has("max_tokens")) {
			options.maxTokens(kwargs.get("max_tokens").asInt());
		}
		if (kwargs.has("temperature")) {
			options.temperature(kwargs.get("temperature").asDouble());
		}
		if (kwargs.has("top_p")) {
			options.topP(kwargs.get("top_p").asDouble());
		}
		if (kwargs.has("seed")) {
			options.seed(kwargs.get("seed").asInt());
		}
		if (kwargs.has("user")) {
			options.user(kwargs.get("user").asString());
		}
		if (kwargs.has("tools")) {
			List<ToolCallback> tools = new ArrayList<>();
			for (JsonNode tool : kwargs.get("tools")) {
				JsonNode function = tool.get("function");
				tools.add(new DeclaredTool(ToolDefinition.builder()
					.name(function.get("name").asString())
					.description(function.get("description").asString())
					.inputSchema(mapper.writeValueAsString(function.get("parameters")))
					.build()));
			}
			options.toolCallbacks(tools);
		}
		if (kwargs.has("tool_choice")) {
			options.toolChoice(kwargs.get("tool_choice").asString());
		}
		return new Prompt(messages, options.build());
	}



	/**
	 * A tool the model is offered; the cases only record the model's calls, so it is
	 * never run.
	 */
	private record DeclaredTool(ToolDefinition definition) implements ToolCallback {

		@Override
		public ToolDefinition getToolDefinition() {
			return this.definition;
		}

		@Override
		public String call(String toolInput) {
			throw new IllegalStateException("The conformance cases do not run tools");
		}

	}

}
