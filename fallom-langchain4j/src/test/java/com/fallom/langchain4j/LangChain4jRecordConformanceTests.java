package com.fallom.langchain4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fallom.Fallom;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServerExtension;
import com.fallom.test.internal.RecordConformance;
import com.fallom.test.provider.MockProviderServerExtension;
import com.fallom.test.provider.ProviderReply;
import com.fallom.tracing.FallomTrace;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Conformance with the Python SDK's records: every OpenAI chat-completions case of
 * {@code trace-record-vectors.json} without a Python-only quirk, driven through
 * LangChain4j's real OpenAI client against the mock provider replaying the recorded
 * response, with the case's session and prompt, must send the record the Python SDK
 * sent, compared by {@link RecordConformance}.
 */
class LangChain4jRecordConformanceTests {

	/**
	 * Cases LangChain4j cannot express, each with the reason.
	 */
	static final Map<String, String> NOT_EXPRESSIBLE = Map.of();

	/**
	 * Request fields not compared: none.
	 */
	static final Set<String> IGNORED_REQUEST_FIELDS = Set.of();

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
	void langChain4jSendsThePythonSdksRecord(String name, JsonNode c) {
		boolean capture = RecordConformance.capturesContent(c);
		this.fallom = Fallom.builder(Map.of())
			.apiKey(fallomServer.server().apiKey())
			.baseUrl(fallomServer.server().baseUrl())
			.captureContent(capture)
			.build();
		ChatModel model = OpenAiChatModel.builder()
			.baseUrl(provider.server().openAiBaseUrl())
			.apiKey("sk-test")
			.maxRetries(0)
			.listeners(List.of(FallomChatModelListener.create(this.fallom)))
			.build();

		JsonNode inputs = c.get("inputs");
		FallomSessionContext session = session(inputs.get("session"));
		PromptContext prompt = null;
		Context traceContext = Context.root();
		int exchange = 0;
		int calls = 0;
		for (int step = 0; step < inputs.get("steps").size(); step++) {
			JsonNode s = inputs.get("steps").get(step);
			String op = s.get("op").asString();
			if (op.startsWith("prompts.")) {
				JsonNode p = RecordConformance.outcome(c, step).get("prompt_result");
				prompt = new PromptContext(p.get("key").asString(), p.get("version").asInt(), RecordConformance.text(p, "ab_test_key"),
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
				ChatRequest request = request(s.get("kwargs"));
				ChatRequestOptions options = (prompt != null) ? ChatRequestOptions.builder()
					.addListenerAttribute(FallomChatModelListener.PROMPT_ATTRIBUTE, prompt)
					.build() : ChatRequestOptions.EMPTY;
				try (FallomTrace.Scope scope = this.fallom.trace().withSession(session);
						io.opentelemetry.context.Scope trace = traceContext.makeCurrent()) {
					if (response.get("status").asInt() == 200) {
						model.chat(request, options);
					}
					else {
						assertThatException().isThrownBy(() -> model.chat(request, options));
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
	 * The LangChain4j request of a case: its messages, tools, tool choice and parameters.
	 */
	private static ChatRequest request(JsonNode kwargs) {
		List<ChatMessage> messages = new ArrayList<>();
		for (JsonNode m : kwargs.get("messages")) {
			String role = m.get("role").asString();
			JsonNode content = m.get("content");
			switch (role) {
				case "system" -> messages.add(SystemMessage.from(content.asString()));
				case "user" -> {
					if (content.isArray()) {
						List<Content> parts = new ArrayList<>();
						for (JsonNode part : content) {
							if (part.get("type").asString().equals("text")) {
								parts.add(TextContent.from(part.get("text").asString()));
							}
							else {
								JsonNode image = part.get("image_url");
								parts.add(image.has("detail")
										? new ImageContent(image.get("url").asString(), ImageContent.DetailLevel
											.valueOf(image.get("detail").asString().toUpperCase(Locale.ROOT)))
										: new ImageContent(image.get("url").asString()));
							}
						}
						messages.add(UserMessage.from(parts));
					}
					else {
						messages.add(UserMessage.from(content.asString()));
					}
				}
				case "assistant" -> {
					List<ToolExecutionRequest> toolCalls = new ArrayList<>();
					if (m.has("tool_calls")) {
						for (JsonNode call : m.get("tool_calls")) {
							toolCalls.add(ToolExecutionRequest.builder()
								.id(call.get("id").asString())
								.name(call.get("function").get("name").asString())
								.arguments(call.get("function").get("arguments").asString())
								.build());
						}
					}
					messages.add(toolCalls.isEmpty() ? AiMessage.from(content.asString())
							: content.isNull() ? AiMessage.from(toolCalls) : AiMessage.from(content.asString(), toolCalls));
				}
				case "tool" -> messages.add(ToolExecutionResultMessage.from(m.get("tool_call_id").asString(),
						toolName(kwargs, m.get("tool_call_id").asString()), content.asString()));
				default -> throw new IllegalStateException("Unknown role " + role);
			}
		}
		OpenAiChatRequestParameters.Builder parameters = OpenAiChatRequestParameters.builder()
			.modelName(kwargs.get("model").asString());
		if (kwargs.has("max_tokens")) {
			parameters.maxOutputTokens(kwargs.get("max_tokens").asInt());
		}
		if (kwargs.has("temperature")) {
			parameters.temperature(kwargs.get("temperature").asDouble());
		}
		if (kwargs.has("top_p")) {
			parameters.topP(kwargs.get("top_p").asDouble());
		}
		if (kwargs.has("seed")) {
			parameters.seed(kwargs.get("seed").asInt());
		}
		if (kwargs.has("user")) {
			parameters.user(kwargs.get("user").asString());
		}
		if (kwargs.has("tools")) {
			List<ToolSpecification> tools = new ArrayList<>();
			for (JsonNode tool : kwargs.get("tools")) {
				JsonNode function = tool.get("function");
				tools.add(ToolSpecification.builder()
					.name(function.get("name").asString())
					.description(function.get("description").asString())
					.parameters((JsonObjectSchema) schema(function.get("parameters")))
					.build());
			}
			parameters.toolSpecifications(tools);
		}
		if (kwargs.has("tool_choice")) {
			parameters.toolChoice(ToolChoice.valueOf(kwargs.get("tool_choice").asString().toUpperCase(Locale.ROOT)));
		}
		return ChatRequest.builder().messages(messages).parameters(parameters.build()).build();
	}

	private static String toolName(JsonNode kwargs, String toolCallId) {
		for (JsonNode m : kwargs.get("messages")) {
			if (m.has("tool_calls")) {
				for (JsonNode call : m.get("tool_calls")) {
					if (call.get("id").asString().equals(toolCallId)) {
						return call.get("function").get("name").asString();
					}
				}
			}
		}
		throw new IllegalStateException("No tool call " + toolCallId);
	}

	/** A JSON schema as LangChain4j's schema model. */
	private static JsonSchemaElement schema(JsonNode schema) {
		String description = RecordConformance.text(schema, "description");
		if (schema.has("enum")) {
			List<String> values = new ArrayList<>();
			schema.get("enum").forEach((value) -> values.add(value.asString()));
			return JsonEnumSchema.builder().enumValues(values).description(description).build();
		}
		return switch (schema.get("type").asString()) {
			case "object" -> {
				JsonObjectSchema.Builder object = JsonObjectSchema.builder().description(description);
				Map<String, JsonSchemaElement> properties = new LinkedHashMap<>();
				schema.get("properties").propertyNames()
					.forEach((name) -> properties.put(name, schema(schema.get("properties").get(name))));
				object.addProperties(properties);
				if (schema.has("required")) {
					List<String> required = new ArrayList<>();
					schema.get("required").forEach((name) -> required.add(name.asString()));
					object.required(required);
				}
				yield object.build();
			}
			case "array" -> JsonArraySchema.builder().items(schema(schema.get("items"))).description(description).build();
			case "string" -> JsonStringSchema.builder().description(description).build();
			case "number" -> JsonNumberSchema.builder().description(description).build();
			case "integer" -> JsonIntegerSchema.builder().description(description).build();
			case "boolean" -> JsonBooleanSchema.builder().description(description).build();
			default -> throw new IllegalStateException("Unknown schema " + schema);
		};
	}



}
