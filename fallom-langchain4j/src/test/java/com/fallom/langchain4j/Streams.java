package com.fallom.langchain4j;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

/**
 * Runs a streaming chat call to its end and keeps what it delivered.
 */
final class Streams {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private Streams() {
	}

	/**
	 * Stream a request and wait for its end.
	 * @return the partial texts and the complete response, or the error
	 */
	static Result stream(StreamingChatModel model, ChatRequest request) {
		List<String> partials = new CopyOnWriteArrayList<>();
		CompletableFuture<ChatResponse> done = new CompletableFuture<>();
		model.chat(request, new StreamingChatResponseHandler() {

			@Override
			public void onPartialResponse(String partialResponse) {
				partials.add(partialResponse);
			}

			@Override
			public void onCompleteResponse(ChatResponse completeResponse) {
				done.complete(completeResponse);
			}

			@Override
			public void onError(Throwable error) {
				done.completeExceptionally(error);
			}

		});
		try {
			ChatResponse response = done.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return new Result(List.copyOf(partials), response, null);
		}
		catch (ExecutionException ex) {
			return new Result(List.copyOf(partials), null, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The stream did not end within " + TIMEOUT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What a stream delivered.
	 *
	 * @param partials the partial texts in order
	 * @param response the complete response, or {@code null} after an error
	 * @param error the error, or {@code null} after a complete response
	 */
	record Result(List<String> partials, ChatResponse response, Throwable error) {
	}

}
