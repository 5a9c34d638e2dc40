package com.fallom.langchain4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import org.jspecify.annotations.Nullable;

/**
 * When a streamed call that {@link FallomStreamingChatModel} routes started and when its
 * first token reached the caller. It travels to {@link FallomChatModelListener} as a
 * listener attribute: a listener is not told whether a call streams, nor when the first
 * token arrives.
 */
final class StreamTiming {

	private final long startNanos = System.nanoTime();

	private volatile long firstTokenNanos;

	private final AtomicReference<@Nullable Runnable> onCancel = new AtomicReference<>();

	private volatile @Nullable CancelAwareHandle handle;

	/**
	 * Return options that carry a new timing, besides the caller's attributes.
	 */
	static ChatRequestOptions attach(ChatRequestOptions options, StreamTiming timing) {
		// A copy: the caller's map may be immutable, and is theirs
		Map<Object, Object> attributes = new LinkedHashMap<>(options.listenerAttributes());
		attributes.put(StreamTiming.class, timing);
		return ChatRequestOptions.builder().listenerAttributes(attributes).build();
	}

	/**
	 * Return the milliseconds from the start of the call to its first token.
	 * @return the time to the first token, or {@code -1} when no token arrived
	 */
	long timeToFirstTokenMillis() {
		long first = this.firstTokenNanos;
		return (first != 0) ? Math.max(0, (first - this.startNanos) / 1_000_000) : -1;
	}

	/**
	 * Run the given action, once, when the caller cancels the stream through the
	 * {@link StreamingHandle} of a partial event: LangChain4j then tells the listeners
	 * nothing, so the span would never end.
	 */
	void onCancel(Runnable action) {
		this.onCancel.set(action);
	}

	/**
	 * Return a handle that cancels the stream and then runs the cancel action. The
	 * caller's partial events each carry the handle of the stream: one wrapper serves all.
	 */
	private StreamingHandle cancelAware(StreamingHandle delegate) {
		CancelAwareHandle wrapped = this.handle;
		if (wrapped == null || wrapped.delegate != delegate) {
			wrapped = new CancelAwareHandle(delegate);
			this.handle = wrapped;
		}
		return wrapped;
	}

	private void tokenArrived() {
		if (this.firstTokenNanos == 0) {
			this.firstTokenNanos = System.nanoTime();
		}
	}

	/**
	 * Wrap a caller's handler so that its first partial response, thinking or tool call
	 * marks the first token.
	 */
	StreamingChatResponseHandler timed(StreamingChatResponseHandler handler) {
		return new StreamingChatResponseHandler() {

			@Override
			public void onPartialResponse(String partialResponse) {
				tokenArrived();
				handler.onPartialResponse(partialResponse);
			}

			@Override
			public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
				tokenArrived();
				handler.onPartialResponse(partialResponse,
						new PartialResponseContext(cancelAware(context.streamingHandle())));
			}

			@Override
			public void onPartialThinking(PartialThinking partialThinking) {
				tokenArrived();
				handler.onPartialThinking(partialThinking);
			}

			@Override
			public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
				tokenArrived();
				handler.onPartialThinking(partialThinking,
						new PartialThinkingContext(cancelAware(context.streamingHandle())));
			}

			@Override
			public void onPartialToolCall(PartialToolCall partialToolCall) {
				tokenArrived();
				handler.onPartialToolCall(partialToolCall);
			}

			@Override
			public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
				tokenArrived();
				handler.onPartialToolCall(partialToolCall,
						new PartialToolCallContext(cancelAware(context.streamingHandle())));
			}

			@Override
			public void onCompleteToolCall(CompleteToolCall completeToolCall) {
				handler.onCompleteToolCall(completeToolCall);
			}

			@Override
			public void onUnmappedRawEvent(Object rawEvent) {
				handler.onUnmappedRawEvent(rawEvent);
			}

			@Override
			public void onCompleteResponse(ChatResponse completeResponse) {
				handler.onCompleteResponse(completeResponse);
			}

			@Override
			public void onError(Throwable error) {
				handler.onError(error);
			}

		};
	}

	/**
	 * The stream's handle, running the cancel action after cancelling.
	 */
	private final class CancelAwareHandle implements StreamingHandle {

		private final StreamingHandle delegate;

		CancelAwareHandle(StreamingHandle delegate) {
			this.delegate = delegate;
		}

		@Override
		public void cancel() {
			this.delegate.cancel();
			Runnable action = StreamTiming.this.onCancel.getAndSet(null);
			if (action != null) {
				action.run();
			}
		}

		@Override
		public boolean isCancelled() {
			return this.delegate.isCancelled();
		}

	}

}
