package com.fallom.anthropic;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;

/**
 * The async twin of {@link TracedStreamResponse}: the caller's handler gets each event as
 * the SDK delivers it, seen on its way. The record is sent when the stream completes or
 * fails (also when nobody subscribed, through the completion future), or when the caller
 * closes it first.
 */
final class TracedAsyncStreamResponse implements AsyncStreamResponse<RawMessageStreamEvent> {

	private final AsyncStreamResponse<RawMessageStreamEvent> delegate;

	private final MessageCall call;

	TracedAsyncStreamResponse(AsyncStreamResponse<RawMessageStreamEvent> delegate, MessageCall call) {
		this.delegate = delegate;
		this.call = call;
		delegate.onCompleteFuture().whenComplete((ignored, error) -> {
			if (error != null) {
				call.failed(TracingHandler.unwrap(error));
			}
			else {
				call.streamEnded();
			}
		});
	}

	@Override
	public AsyncStreamResponse<RawMessageStreamEvent> subscribe(Handler<? super RawMessageStreamEvent> handler) {
		this.delegate.subscribe(observed(handler));
		return this;
	}

	@Override
	public AsyncStreamResponse<RawMessageStreamEvent> subscribe(Handler<? super RawMessageStreamEvent> handler,
			Executor executor) {
		this.delegate.subscribe(observed(handler), executor);
		return this;
	}

	@Override
	public CompletableFuture<Void> onCompleteFuture() {
		return this.delegate.onCompleteFuture();
	}

	@Override
	public void close() {
		this.call.cancelled();
		this.delegate.close();
	}

	private Handler<RawMessageStreamEvent> observed(Handler<? super RawMessageStreamEvent> handler) {
		return new Handler<>() {

			@Override
			public void onNext(RawMessageStreamEvent event) {
				TracedAsyncStreamResponse.this.call.event(event);
				handler.onNext(event);
			}

			@Override
			public void onComplete(Optional<Throwable> error) {
				if (error.isPresent()) {
					TracedAsyncStreamResponse.this.call.failed(error.get());
				}
				else {
					TracedAsyncStreamResponse.this.call.streamEnded();
				}
				handler.onComplete(error);
			}

		};
	}

}
