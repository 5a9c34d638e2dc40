package com.fallom.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fallom.tracing.internal.TraceRecordMapper;
import com.fallom.tracing.internal.TracedCall;
import com.fallom.tracing.internal.TracedCall.ToolCall;
import com.fallom.tracing.internal.TracedCall.Usage;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import org.jspecify.annotations.Nullable;

/**
 * Describes an OpenAI SDK call in the neutral model the trace records are written from.
 * The request is the body the SDK sends, as plain values (the record copies the fields
 * the Python SDK copies from the caller's arguments, which are that body); the answer is
 * read from the SDK's own objects, as JSON where the SDK's classes change between
 * versions. Content is kept only with content capture on; model, ids, finish reason and
 * usage always, and tool-call ids for the timings.
 */
final class OpenAICalls {

	/** The SDK's own mapper: it knows how to write the SDK's classes. */
	private static final JsonMapper mapper = ObjectMappers.jsonMapper();

	private OpenAICalls() {
	}

	/**
	 * What the span needs of an answer: the model, id, finish reason and usage.
	 */
	record Answer(@Nullable String model, @Nullable String id, @Nullable String finishReason, @Nullable Usage usage) {
	}

	/**
	 * A traced call being made: the neutral description and the model asked for.
	 */
	record Request(TracedCall call, @Nullable String model, TracedCall.Api api) {
	}

	static Request chatRequest(ChatCompletionCreateParams params, boolean captureContent) {
		return request(TracedCall.Api.CHAT_COMPLETIONS, TraceRecordMapper.CHAT_COMPLETIONS, params._body(),
				captureContent);
	}

	static Request responsesRequest(ResponseCreateParams params, boolean captureContent) {
		return request(TracedCall.Api.RESPONSES, TraceRecordMapper.RESPONSES, params._body(), captureContent);
	}

	private static Request request(TracedCall.Api api, String name, Object body, boolean captureContent) {
		Map<String, Object> json = toMap(body);
		String model = (json.get("model") instanceof String text) ? text : null;
		TracedCall call = new TracedCall().kind(TracedCall.Kind.LLM, name).api(api).integration("openai");
		call.requestModel(model);
		if (captureContent) {
			call.providerRequest(json);
		}
		return new Request(call, model, api);
	}

	/**
	 * Describe the answer of a call that did not stream.
	 */
	static Answer response(TracedCall call, Object result, boolean captureContent) {
		if (result instanceof ChatCompletion completion) {
			return chatResponse(call, toMap(completion), captureContent);
		}
		if (result instanceof Response response) {
			return responsesResponse(call, toMap(response), captureContent);
		}
		return new Answer(null, null, null, null);
	}

	private static Answer chatResponse(TracedCall call, Map<String, Object> json, boolean captureContent) {
		String model = string(json.get("model"));
		String id = string(json.get("id"));
		String text = null;
		String finishReason = null;
		if (json.get("choices") instanceof List<?> choices && !choices.isEmpty()
				&& choices.get(0) instanceof Map<?, ?> choice) {
			finishReason = string(choice.get("finish_reason"));
			if (choice.get("message") instanceof Map<?, ?> message) {
				text = string(message.get("content"));
				if (message.get("tool_calls") instanceof List<?> toolCalls) {
					for (Object element : toolCalls) {
						if (element instanceof Map<?, ?> toolCall && toolCall.get("function") instanceof Map<?, ?> function) {
							call.responseToolCall(new ToolCall(string(toolCall.get("id")),
									String.valueOf(function.get("name")),
									captureContent ? string(function.get("arguments")) : null));
						}
					}
				}
			}
		}
		call.response(model, captureContent ? text : null, finishReason, id);
		Usage usage = chatUsage(json.get("usage"));
		call.usage(usage);
		return new Answer(model, id, finishReason, usage);
	}

	private static Answer responsesResponse(TracedCall call, Map<String, Object> json, boolean captureContent) {
		String model = string(json.get("model"));
		String id = string(json.get("id"));
		String status = string(json.get("status"));
		call.response(model, null, null, id);
		call.responseStatus(status);
		if (captureContent) {
			call.output(json.get("output"));
		}
		Usage usage = null;
		if (json.get("usage") instanceof Map<?, ?> map) {
			usage = new Usage(integer(map.get("input_tokens")), integer(map.get("output_tokens")),
					integer(map.get("total_tokens")));
		}
		call.usage(usage);
		return new Answer(model, id, status, usage);
	}

	private static @Nullable Usage chatUsage(@Nullable Object usage) {
		if (usage instanceof Map<?, ?> map) {
			return new Usage(integer(map.get("prompt_tokens")), integer(map.get("completion_tokens")),
					integer(map.get("total_tokens")));
		}
		return null;
	}

	static StreamState streamState(TracedCall.Api api) {
		return (api == TracedCall.Api.RESPONSES) ? new ResponsesStream() : new ChatStream();
	}

	/**
	 * What a stream carried so far, fed chunk by chunk on the thread that reads it.
	 */
	abstract static class StreamState {

		private volatile long firstTokenNanos;

		/**
		 * Take one chunk or event; never throws.
		 */
		final void accept(@Nullable Object chunk) {
			try {
				if (take(chunk) && this.firstTokenNanos == 0) {
					this.firstTokenNanos = System.nanoTime();
				}
			}
			catch (RuntimeException ex) {
				// A chunk this module cannot read must not break the caller's stream
			}
		}

		long firstTokenNanos() {
			return this.firstTokenNanos;
		}

		/**
		 * Take a chunk; return whether it carried output (the first token).
		 */
		abstract boolean take(@Nullable Object chunk);

		abstract Answer finish(TracedCall call, boolean captureContent);

	}

	/**
	 * Chat Completions chunks joined as the Python SDK would have recorded the answer:
	 * the first choice's text, finish reason and tool calls, the id, model and usage.
	 */
	static final class ChatStream extends StreamState {

		private final StringBuilder text = new StringBuilder();

		private boolean hasText;

		private @Nullable String id;

		private @Nullable String model;

		private @Nullable String finishReason;

		private final Map<Long, String[]> toolCalls = new LinkedHashMap<>();

		private @Nullable Usage usage;

		@Override
		boolean take(@Nullable Object chunk) {
			if (!(chunk instanceof ChatCompletionChunk completion)) {
				return false;
			}
			synchronized (this) {
				if (this.id == null) {
					this.id = completion.id();
				}
				if (this.model == null || this.model.isEmpty()) {
					this.model = completion.model();
				}
				Optional<CompletionUsage> usage = completion.usage();
				if (usage.isPresent()) {
					CompletionUsage counts = usage.get();
					this.usage = new Usage((int) counts.promptTokens(), (int) counts.completionTokens(),
							(int) counts.totalTokens());
				}
				boolean output = false;
				for (ChatCompletionChunk.Choice choice : completion.choices()) {
					if (choice.index() != 0) {
						continue;
					}
					choice.finishReason().ifPresent((reason) -> this.finishReason = reason.asString());
					ChatCompletionChunk.Choice.Delta delta = choice.delta();
					Optional<String> content = delta.content();
					if (content.isPresent()) {
						this.hasText = true;
						this.text.append(content.get());
						output |= !content.get().isEmpty();
					}
					for (ChatCompletionChunk.Choice.Delta.ToolCall toolCall : delta.toolCalls().orElse(List.of())) {
						String[] parts = this.toolCalls.computeIfAbsent(toolCall.index(),
								(index) -> new String[] { null, "", "" });
						toolCall.id().ifPresent((id) -> parts[0] = id);
						toolCall.function().ifPresent((function) -> {
							function.name().ifPresent((name) -> parts[1] += name);
							function.arguments().ifPresent((arguments) -> parts[2] += arguments);
						});
						output = true;
					}
				}
				return output;
			}
		}

		@Override
		synchronized Answer finish(TracedCall call, boolean captureContent) {
			for (String[] toolCall : this.toolCalls.values()) {
				call.responseToolCall(new ToolCall(toolCall[0], toolCall[1], captureContent ? toolCall[2] : null));
			}
			// A tool-calling answer has no text, as the provider would have said
			String text = (this.hasText && (this.text.length() > 0 || this.toolCalls.isEmpty()))
					? this.text.toString() : null;
			call.response(this.model, captureContent ? text : null, this.finishReason, this.id);
			call.usage(this.usage);
			return new Answer(this.model, this.id, this.finishReason, this.usage);
		}

	}

	/**
	 * Responses API events: the answer is the response of the last {@code completed},
	 * {@code incomplete} or {@code failed} event; the first delta is the first token.
	 */
	static final class ResponsesStream extends StreamState {

		private volatile @Nullable Response last;

		@Override
		boolean take(@Nullable Object chunk) {
			if (!(chunk instanceof ResponseStreamEvent event)) {
				return false;
			}
			if (event.isCompleted()) {
				this.last = event.asCompleted().response();
			}
			else if (event.isIncomplete()) {
				this.last = event.asIncomplete().response();
			}
			else if (event.isFailed()) {
				this.last = event.asFailed().response();
			}
			else if (event.isCreated() && this.last == null) {
				this.last = event.asCreated().response();
			}
			return event.isOutputTextDelta() || event.isFunctionCallArgumentsDelta() || event.isRefusalDelta();
		}

		@Override
		Answer finish(TracedCall call, boolean captureContent) {
			Response response = this.last;
			return (response != null) ? responsesResponse(call, toMap(response), captureContent)
					: new Answer(null, null, null, null);
		}

	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> toMap(Object value) {
		Object json = mapper.convertValue(value, Object.class);
		return (json instanceof Map<?, ?> map) ? (Map<String, Object>) map : new LinkedHashMap<>();
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value instanceof String text) ? text : null;
	}

	private static @Nullable Integer integer(@Nullable Object value) {
		return (value instanceof Number number) ? number.intValue() : null;
	}

}
