package com.fallom.langchain4j;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fallom.Fallom;
import com.fallom.internal.Arguments;
import com.fallom.prompts.PromptContext;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.internal.GenAiAttributes;
import com.fallom.tracing.internal.SpanCalls;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCalls;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * Exports every call of a LangChain4j chat model, sync or streaming, as a span of
 * Fallom's private tracer, with the attributes of the Spring AI path: provider, request
 * and response model, token counts (integers), finish reason, duration, errors and the
 * Fallom session, plus prompts and completions only when content capture is on.
 * Register it on each model: <pre class="code">
 * ChatModel model = OpenAiChatModel.builder()
 *     .apiKey(key)
 *     .modelName("gpt-4o-mini")
 *     .listeners(List.of(FallomChatModelListener.create(fallom)))
 *     .build();
 * </pre>
 * The span starts in {@link #onRequest}, on the calling thread: its parent is the
 * current OpenTelemetry span there, and its session the one a
 * {@link ChatRequestOptions#listenerAttributes() listener attribute} keyed
 * {@link #SESSION_ATTRIBUTE} names, else the thread's current Fallom session. It ends in
 * {@link #onResponse} or {@link #onError}, on whichever thread the model answers a
 * stream. LangChain4j catches and logs what a listener throws, so tracing never fails a
 * call.
 */
public final class FallomChatModelListener implements ChatModelListener {

	/**
	 * The listener attribute key of a call's {@link FallomSessionContext}, for calls that
	 * run where no thread-local session is set: <pre class="code">
	 * model.chat(request, ChatRequestOptions.builder()
	 *     .addListenerAttribute(FallomChatModelListener.SESSION_ATTRIBUTE,
	 *         new FallomSessionContext("support-assistant", sessionId))
	 *     .build());
	 * </pre>
	 */
	public static final Class<FallomSessionContext> SESSION_ATTRIBUTE = FallomSessionContext.class;

	/**
	 * The listener attribute key of the {@link PromptContext} of the managed prompt a call
	 * uses, exported as {@code fallom.prompt_key}, {@code fallom.prompt_version} and, for a
	 * prompt A/B test, {@code fallom.prompt_ab_test} and {@code fallom.prompt_variant}:
	 * <pre class="code">
	 * FallomPrompt prompt = ...; // a managed prompt
	 * ChatRequest request = ChatRequest.builder()
	 *     .messages(SystemMessage.from(prompt.system()), UserMessage.from(prompt.user()))
	 *     .build();
	 * model.chat(request, ChatRequestOptions.builder()
	 *     .addListenerAttribute(FallomChatModelListener.PROMPT_ATTRIBUTE, prompt.context())
	 *     .build());
	 * </pre>
	 */
	public static final Class<PromptContext> PROMPT_ATTRIBUTE = PromptContext.class;

	/** The key of the call's span in the listener attributes. */
	private static final Object SPAN_KEY = new Object();

	/** The key of the span's content writer in the listener attributes. */
	private static final Object CONTENT_KEY = new Object();

	private final Tracer tracer;

	private final boolean captureContent;

	private final int maxContentLength;

	/**
	 * Create a listener.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record prompt and completion text, tool-call
	 * arguments, tool results and error messages
	 */
	public FallomChatModelListener(Tracer tracer, boolean captureContent) {
		this(tracer, captureContent, GenAiAttributes.DEFAULT_MAX_CONTENT_LENGTH);
	}

	/**
	 * Create a listener.
	 * @param tracer the tracer of Fallom's private pipeline
	 * @param captureContent whether to record prompt and completion text, tool-call
	 * arguments, tool results and error messages
	 * @param maxContentLength the most characters of one prompt message, completion or
	 * tool-call argument; longer ones are cut and the span marked
	 * {@code fallom.content_truncated}
	 */
	public FallomChatModelListener(Tracer tracer, boolean captureContent, int maxContentLength) {
		Arguments.isTrue(maxContentLength > 0, "'maxContentLength' must be positive");
		this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
		this.captureContent = captureContent;
		this.maxContentLength = maxContentLength;
	}

	/**
	 * Create a listener that exports to a Fallom engine's tracer and follows its content
	 * capture and content length settings.
	 * @param fallom the engine
	 * @return the listener
	 */
	public static FallomChatModelListener create(Fallom fallom) {
		Objects.requireNonNull(fallom, "fallom must not be null");
		return new FallomChatModelListener(fallom.tracer(), fallom.isCaptureContent(), fallom.getMaxContentLength());
	}

	@Override
	public void onRequest(ChatModelRequestContext requestContext) {
		if (requestContext.attributes().containsKey(SPAN_KEY)) {
			// Registered twice on one model (a bean and by hand): one span is enough
			return;
		}
		ChatRequest request = requestContext.chatRequest();
		String model = request.modelName();
		Span span = this.tracer.spanBuilder((model != null) ? "chat " + model : "chat")
			.setParent(Context.current())
			.setSpanKind(SpanKind.CLIENT)
			.startSpan();
		span.setAttribute(GenAiAttributes.OPERATION_NAME, "chat");
		span.setAttribute(SpanCalls.INTEGRATION, "langchain4j");
		// The trace record is written from this description of the call, the span's
		// attributes are what an OTLP export sends.
		TracedCall traced = TracedCalls.attach(span, LangChain4jCalls.request(request, this.captureContent));
		span.setAttribute(GenAiAttributes.SYSTEM, system(requestContext.modelProvider()));
		if (model != null) {
			span.setAttribute(GenAiAttributes.REQUEST_MODEL, model);
		}
		FallomSessionContext session = session(requestContext.attributes());
		if (session != null) {
			FallomSpanProcessor.tag(span, session);
			traced.session(session);
		}
		if (requestContext.attributes().containsKey(StreamTiming.class)) {
			span.setAttribute(GenAiAttributes.STREAMING, true);
			span.setAttribute(GenAiAttributes.IS_STREAMING, true);
			traced.streamed(null);
		}
		if (requestContext.attributes().get(PROMPT_ATTRIBUTE) instanceof PromptContext prompt) {
			prompt.attributes().forEach((name, value) -> setAttribute(span, name, value));
			traced.prompt(prompt);
		}
		Map<Object, Object> attributes = requestContext.attributes();
		if (this.captureContent) {
			// One writer from request to response: the prompt leaves room for the completion.
			GenAiAttributes.Content content = GenAiAttributes.content(span, this.maxContentLength);
			attributes.put(CONTENT_KEY, content);
			prompt(content, request.messages());
		}
		attributes.put(SPAN_KEY, span);
		if (attributes.get(StreamTiming.class) instanceof StreamTiming timing) {
			// A stream the caller cancels gets neither a response nor an error: without
			// this, its span would never end and the call would be missing from the
			// experiment.
			timing.onCancel(() -> cancelled(attributes, timing));
		}
	}

	private static void cancelled(Map<Object, Object> attributes, StreamTiming timing) {
		attributes.remove(CONTENT_KEY);
		Span span = (Span) attributes.remove(SPAN_KEY);
		if (span == null) {
			// Ended already, by a response or an error that came first
			return;
		}
		GenAiAttributes.cancelled(span);
		if (timing.timeToFirstTokenMillis() >= 0) {
			span.setAttribute(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS, timing.timeToFirstTokenMillis());
			TracedCall traced = TracedCalls.get(span);
			if (traced != null) {
				traced.streamed(timing.timeToFirstTokenMillis());
			}
		}
		span.end();
	}

	@Override
	public void onResponse(ChatModelResponseContext responseContext) {
		Span span = (Span) responseContext.attributes().remove(SPAN_KEY);
		if (span == null) {
			return;
		}
		response(span, (GenAiAttributes.Content) responseContext.attributes().remove(CONTENT_KEY),
				responseContext.chatResponse());
		TracedCall traced = TracedCalls.get(span);
		if (traced != null) {
			LangChain4jCalls.response(traced, responseContext.chatResponse(), this.captureContent);
		}
		if (responseContext.attributes().get(StreamTiming.class) instanceof StreamTiming timing) {
			long timeToFirstToken = timing.timeToFirstTokenMillis();
			if (timeToFirstToken >= 0) {
				span.setAttribute(GenAiAttributes.TIME_TO_FIRST_TOKEN_MS, timeToFirstToken);
			}
			if (traced != null) {
				traced.streamed((timeToFirstToken >= 0) ? timeToFirstToken : null);
			}
		}
		span.end();
	}

	@Override
	public void onError(ChatModelErrorContext errorContext) {
		errorContext.attributes().remove(CONTENT_KEY);
		Span span = (Span) errorContext.attributes().remove(SPAN_KEY);
		if (span == null) {
			return;
		}
		GenAiAttributes.error(span, errorContext.error(), this.captureContent);
		span.end();
	}

	private static void setAttribute(Span span, String name, Object value) {
		if (value instanceof Integer number) {
			span.setAttribute(name, number.longValue());
		}
		else {
			span.setAttribute(name, String.valueOf(value));
		}
	}

	private static @Nullable FallomSessionContext session(Map<Object, Object> attributes) {
		Object explicit = attributes.get(SESSION_ATTRIBUTE);
		return (explicit instanceof FallomSessionContext session) ? session : FallomSessionHolder.get();
	}

	private void response(Span span, GenAiAttributes.@Nullable Content content, @Nullable ChatResponse response) {
		if (response == null) {
			return;
		}
		if (response.modelName() != null) {
			span.setAttribute(GenAiAttributes.RESPONSE_MODEL, response.modelName());
		}
		if (response.id() != null) {
			span.setAttribute(GenAiAttributes.RESPONSE_ID, response.id());
		}
		if (response.finishReason() != null) {
			span.setAttribute(GenAiAttributes.FINISH_REASONS, List.of(finishReason(response.finishReason())));
		}
		TokenUsage usage = response.tokenUsage();
		if (usage != null) {
			GenAiAttributes.usage(span, usage.inputTokenCount(), usage.outputTokenCount());
		}
		if (this.captureContent && response.aiMessage() != null) {
			AiMessage message = response.aiMessage();
			GenAiAttributes.Content writer = (content != null) ? content
					: GenAiAttributes.content(span, this.maxContentLength);
			toolCalls(writer, writer.completion(0, "assistant", message.text()), message);
		}
	}

	private static void prompt(GenAiAttributes.Content content, List<ChatMessage> messages) {
		int index = 0;
		for (ChatMessage message : messages) {
			if (message instanceof SystemMessage system) {
				content.promptMessage(index, "system", system.text());
			}
			else if (message instanceof UserMessage user) {
				content.promptMessage(index, "user", text(user.contents()));
			}
			else if (message instanceof AiMessage ai) {
				toolCalls(content, content.promptMessage(index, "assistant", ai.text()), ai);
			}
			else if (message instanceof ToolExecutionResultMessage result) {
				content.promptToolCallId(content.promptMessage(index, "tool", text(result.contents())), result.id());
			}
			else {
				content.promptMessage(index, message.type().name().toLowerCase(Locale.ROOT), null);
			}
			index++;
		}
	}

	private static void toolCalls(GenAiAttributes.Content content, @Nullable String prefix, AiMessage message) {
		if (!message.hasToolExecutionRequests()) {
			return;
		}
		List<ToolExecutionRequest> requests = message.toolExecutionRequests();
		for (int i = 0; i < requests.size(); i++) {
			ToolExecutionRequest request = requests.get(i);
			content.toolCall(prefix, i, request.id(), request.name(), request.arguments());
		}
	}

	/**
	 * Join the text parts of a message; images and other media are not content the
	 * backend shows.
	 */
	private static @Nullable String text(List<Content> contents) {
		if (contents.size() == 1 && contents.get(0) instanceof TextContent single) {
			return single.text();
		}
		StringBuilder text = null;
		for (Content content : contents) {
			if (content instanceof TextContent part) {
				text = (text != null) ? text.append('\n') : new StringBuilder();
				text.append(part.text());
			}
		}
		return (text != null) ? text.toString() : null;
	}

	/**
	 * The OpenAI vocabulary, which LangChain4j's finish reasons were modelled on.
	 */
	static String finishReason(FinishReason reason) {
		return switch (reason) {
			case STOP -> "stop";
			case LENGTH -> "length";
			case TOOL_EXECUTION -> "tool_calls";
			case CONTENT_FILTER -> "content_filter";
			default -> "other";
		};
	}

	/**
	 * The provider names of the OpenTelemetry GenAI conventions, as the backend groups
	 * them; Spring AI reports {@code openai} and {@code anthropic} the same way.
	 */
	static String system(@Nullable ModelProvider provider) {
		if (provider == null) {
			return "langchain4j";
		}
		return switch (provider) {
			case OPEN_AI -> "openai";
			case ANTHROPIC -> "anthropic";
			case AZURE_OPEN_AI -> "azure.ai.openai";
			case MICROSOFT_FOUNDRY, GITHUB_MODELS -> "azure.ai.inference";
			case AMAZON_BEDROCK -> "aws.bedrock";
			case GOOGLE_AI_GEMINI -> "gcp.gemini";
			case GOOGLE_GENAI -> "gcp.gen_ai";
			case GOOGLE_VERTEX_AI_GEMINI, GOOGLE_VERTEX_AI_ANTHROPIC -> "gcp.vertex_ai";
			case MISTRAL_AI -> "mistral_ai";
			case OLLAMA -> "ollama";
			case WATSONX -> "ibm.watsonx.ai";
			case COHERE -> "cohere";
			default -> provider.name().toLowerCase(Locale.ROOT);
		};
	}

}
