package com.fallom.tracing.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.tracing.FallomAttributes;
import com.fallom.tracing.internal.TracedCall.Kind;
import com.fallom.tracing.internal.TracedCall.Message;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.Usage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;

/**
 * Completes the {@link TracedCall} of an ended span with what only the span knows (ids,
 * parent, times, status), and describes a span that carries no call from the
 * {@link GenAiAttributes} and session attributes it was given, so that every Fallom span
 * becomes a record whichever way its integration described it. Internal API.
 */
public final class SpanCalls {

	private static final AttributeKey<String> CONFIG_KEY = AttributeKey.stringKey(FallomAttributes.CONFIG_KEY);

	private static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey(FallomAttributes.SESSION_ID);

	private static final AttributeKey<String> CUSTOMER_ID = AttributeKey.stringKey(FallomAttributes.CUSTOMER_ID);

	private static final AttributeKey<List<String>> TAGS = AttributeKey.stringArrayKey(FallomAttributes.TAGS);

	private static final AttributeKey<String> PROMPT_KEY = AttributeKey.stringKey(FallomAttributes.PROMPT_KEY);

	private static final AttributeKey<Long> PROMPT_VERSION = AttributeKey.longKey(FallomAttributes.PROMPT_VERSION);

	private static final AttributeKey<String> PROMPT_AB_TEST = AttributeKey.stringKey(FallomAttributes.PROMPT_AB_TEST);

	private static final AttributeKey<Long> PROMPT_VARIANT = AttributeKey.longKey(FallomAttributes.PROMPT_VARIANT);

	private static final AttributeKey<String> QUERY = AttributeKey.stringKey("db.vector.query.content");

	/** Which integration made a span, e.g. {@code spring-ai} or {@code langchain4j}. */
	public static final AttributeKey<String> INTEGRATION = AttributeKey.stringKey("fallom.integration");

	private static final AttributeKey<String> SPRING_AI_KIND = AttributeKey.stringKey("spring.ai.kind");

	private static final AttributeKey<String> ADVISOR_NAME = AttributeKey.stringKey("spring.ai.advisor.name");

	private SpanCalls() {
	}

	/**
	 * Return the call of an ended span: the one its integration attached, completed, or
	 * one described from its attributes.
	 * @param span the ended span's data
	 * @param attached the attached call, or {@code null}
	 * @return the call
	 */
	public static TracedCall of(SpanData span, @Nullable TracedCall attached) {
		TracedCall call = (attached != null) ? attached : fromAttributes(span);
		SpanContext parent = span.getParentSpanContext();
		call.ids(span.getTraceId(), span.getSpanId(), parent.isValid() ? parent.getSpanId() : null);
		call.times(TimeUnit.NANOSECONDS.toMillis(span.getStartEpochNanos()),
				TimeUnit.NANOSECONDS.toMillis(span.getEndEpochNanos()));
		if (call.configKey == null && call.sessionId == null) {
			session(call, span.getAttributes());
		}
		if (!call.isError() && span.getStatus().getStatusCode() == StatusCode.ERROR) {
			String type = span.getAttributes().get(GenAiAttributes.ERROR_TYPE);
			String description = span.getStatus().getDescription();
			call.error((type != null) ? type : (description != null && !description.isEmpty()) ? description : "error",
					description);
		}
		return call;
	}

	private static void session(TracedCall call, Attributes attributes) {
		Map<String, Object> metadata = null;
		for (Map.Entry<AttributeKey<?>, Object> entry : attributes.asMap().entrySet()) {
			String name = entry.getKey().getKey();
			if (name.startsWith(FallomAttributes.METADATA_PREFIX)) {
				if (metadata == null) {
					metadata = new LinkedHashMap<>();
				}
				metadata.put(name.substring(FallomAttributes.METADATA_PREFIX.length()), entry.getValue());
			}
		}
		call.session(attributes.get(CONFIG_KEY), attributes.get(SESSION_ID), attributes.get(CUSTOMER_ID), metadata,
				attributes.get(TAGS));
		String promptKey = attributes.get(PROMPT_KEY);
		if (promptKey != null) {
			Long version = attributes.get(PROMPT_VERSION);
			Long variant = attributes.get(PROMPT_VARIANT);
			call.prompt(promptKey, (version != null) ? version.intValue() : null, attributes.get(PROMPT_AB_TEST),
					(variant != null) ? variant.intValue() : null);
		}
	}

	private static TracedCall fromAttributes(SpanData span) {
		Attributes attributes = span.getAttributes();
		String operation = attributes.get(GenAiAttributes.OPERATION_NAME);
		TracedCall call = new TracedCall();
		call.integration(attributes.get(INTEGRATION));
		if (operation == null) {
			call.kind(Kind.CUSTOM, span.getName());
		}
		else if (operation.equals("chat") || operation.equals("text_completion")) {
			call.kind(Kind.LLM, TraceRecordMapper.CHAT_COMPLETIONS);
			chat(call, attributes);
		}
		else if (operation.equals("execute_tool")) {
			String tool = attributes.get(GenAiAttributes.TOOL_NAME);
			call.kind(Kind.TOOL, (tool != null) ? "tool." + tool : "tool");
			String arguments = attributes.get(GenAiAttributes.TOOL_ARGUMENTS);
			if (arguments != null) {
				call.input(Map.of("input", arguments));
			}
			String result = attributes.get(GenAiAttributes.TOOL_RESULT);
			if (result != null) {
				call.output(Map.of("output", result));
			}
		}
		else if (operation.equals("vector_store")) {
			call.kind(Kind.RETRIEVAL, "retriever." + span.getName().replace(' ', '.'));
			String query = attributes.get(QUERY);
			if (query != null) {
				call.input(Map.of("query", query));
			}
		}
		else if (operation.equals("embedding") || operation.equals("embeddings")) {
			call.kind(Kind.EMBEDDING, "embeddings.create");
			call.requestModel(attributes.get(GenAiAttributes.REQUEST_MODEL));
			call.response(attributes.get(GenAiAttributes.RESPONSE_MODEL), null, null, null);
			usage(call, attributes);
		}
		else if (operation.equals("framework")) {
			String advisor = attributes.get(ADVISOR_NAME);
			call.kind(Kind.CHAIN, "advisor".equals(attributes.get(SPRING_AI_KIND)) && advisor != null
					? "chain." + advisor : "chain.ChatClient");
			call.requestModel(attributes.get(GenAiAttributes.REQUEST_MODEL));
		}
		else {
			call.kind(Kind.CUSTOM, span.getName());
		}
		return call;
	}

	private static void chat(TracedCall call, Attributes attributes) {
		call.requestModel(attributes.get(GenAiAttributes.REQUEST_MODEL));
		List<String> finishReasons = attributes.get(GenAiAttributes.FINISH_REASONS);
		String completion = attributes.get(AttributeKey.stringKey("gen_ai.completion.0.content"));
		// Chat Completions names finish reasons in lower case (stop, length, tool_calls)
		call.response(attributes.get(GenAiAttributes.RESPONSE_MODEL), completion,
				(finishReasons != null && !finishReasons.isEmpty())
						? finishReasons.get(0).toLowerCase(Locale.ROOT) : null,
				attributes.get(GenAiAttributes.RESPONSE_ID));
		for (int i = 0;; i++) {
			String role = attributes.get(AttributeKey.stringKey("gen_ai.prompt." + i + ".role"));
			if (role == null) {
				break;
			}
			String prefix = "gen_ai.prompt." + i;
			call.message(new Message(role, attributes.get(AttributeKey.stringKey(prefix + ".content")), null,
					toolCalls(attributes, prefix), attributes.get(AttributeKey.stringKey(prefix + ".tool_call_id"))));
		}
		toolCalls(attributes, "gen_ai.completion.0").forEach(call::responseToolCall);
		usage(call, attributes);
		if (Boolean.TRUE.equals(attributes.get(GenAiAttributes.IS_STREAMING))) {
			call.streamed(attributes.get(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS));
		}
	}

	private static List<ToolCall> toolCalls(Attributes attributes, String messagePrefix) {
		List<ToolCall> toolCalls = new ArrayList<>();
		for (int i = 0;; i++) {
			String prefix = messagePrefix + ".tool_calls." + i;
			String name = attributes.get(AttributeKey.stringKey(prefix + ".name"));
			if (name == null) {
				return toolCalls;
			}
			toolCalls.add(new ToolCall(attributes.get(AttributeKey.stringKey(prefix + ".id")), name,
					attributes.get(AttributeKey.stringKey(prefix + ".arguments"))));
		}
	}

	private static void usage(TracedCall call, Attributes attributes) {
		Long input = attributes.get(GenAiAttributes.INPUT_TOKENS);
		Long output = attributes.get(GenAiAttributes.OUTPUT_TOKENS);
		if (input != null || output != null) {
			call.usage(new Usage((input != null) ? input.intValue() : null,
					(output != null) ? output.intValue() : null, null));
		}
	}

}
