package com.fallom.openai;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.openai.core.http.AsyncStreamResponse;

/**
 * An asynchronous stream of the SDK whose chunks are seen on their way to the caller's
 * handler, unbuffered; the call's record ends when the SDK completes the stream, or when
 * the caller closes it first.
 *
 * @param <T> the chunk type
 */
final class TracedAsyncStreamResponse<T> implements AsyncStreamResponse<T> {

	private final AsyncStreamResponse<T> delegate;

	private final OpenAISpan span;

	private final OpenAICalls.StreamState state;

	TracedAsyncStreamResponse(AsyncStreamResponse<T> delegate, OpenAISpan span) {
		this.delegate = delegate;
		this.span = span;
		this.state = span.newStreamState();
		delegate.onCompleteFuture().whenComplete((done, error) -> span.endStream(this.state, error, false));
	}

	@Override
	public AsyncStreamResponse<T> subscribe(Handler<? super T> handler) {
		this.delegate.subscribe(observed(handler));
		return this;
	}

	@Override
	public AsyncStreamResponse<T> subscribe(Handler<? super T> handler, Executor executor) {
		this.delegate.subscribe(observed(handler), executor);
		return this;
	}

	private Handler<T> observed(Handler<? super T> handler) {
		return new Handler<>() {

			@Override
			public void onNext(T value) {
				TracedAsyncStreamResponse.this.state.accept(value);
				handler.onNext(value);
			}

			@Override
			public void onComplete(Optional<Throwable> error) {
				handler.onComplete(error);
			}

		};
	}

	@Override
	public CompletableFuture<Void> onCompleteFuture() {
		return this.delegate.onCompleteFuture();
	}

	@Override
	public void close() {
		try {
			this.delegate.close();
		}
		finally {
			this.span.endStream(this.state, null, true);
		}
	}

}
