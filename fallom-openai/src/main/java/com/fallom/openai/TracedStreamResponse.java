package com.fallom.openai;

import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.openai.core.http.StreamResponse;
import org.jspecify.annotations.Nullable;

/**
 * A stream of the SDK handed to the caller as it is, chunk by chunk: each chunk is seen
 * on its way (never held back or buffered), and the call's record ends when the stream
 * ends, fails, or is closed before its end.
 *
 * @param <T> the chunk type
 */
final class TracedStreamResponse<T> implements StreamResponse<T> {

	private final StreamResponse<T> delegate;

	private final OpenAISpan span;

	private final OpenAICalls.StreamState state;

	private volatile boolean closing;

	TracedStreamResponse(StreamResponse<T> delegate, OpenAISpan span) {
		this.delegate = delegate;
		this.span = span;
		this.state = span.newStreamState();
	}

	@Override
	public Stream<T> stream() {
		Stream<T> stream = this.delegate.stream();
		return StreamSupport.stream(new Observed(stream.spliterator()), false).onClose(stream::close);
	}

	@Override
	public void close() {
		this.closing = true;
		try {
			this.delegate.close();
		}
		finally {
			// Closed before its end: what came so far, marked cancelled
			this.span.endStream(this.state, null, true);
		}
	}

	private final class Observed implements Spliterator<T> {

		private final Spliterator<T> source;

		Observed(Spliterator<T> source) {
			this.source = source;
		}

		@Override
		public boolean tryAdvance(Consumer<? super T> action) {
			boolean advanced;
			try {
				advanced = this.source.tryAdvance((chunk) -> {
					TracedStreamResponse.this.state.accept(chunk);
					action.accept(chunk);
				});
			}
			catch (RuntimeException | Error ex) {
				// A read that fails because the caller closed the stream is a cancel, not an error
				boolean closing = TracedStreamResponse.this.closing;
				TracedStreamResponse.this.span.endStream(TracedStreamResponse.this.state, closing ? null : ex, closing);
				throw ex;
			}
			if (!advanced) {
				TracedStreamResponse.this.span.endStream(TracedStreamResponse.this.state, null, false);
			}
			return advanced;
		}

		@Override
		public @Nullable Spliterator<T> trySplit() {
			return null;
		}

		@Override
		public long estimateSize() {
			return this.source.estimateSize();
		}

		@Override
		public int characteristics() {
			return this.source.characteristics() & ~(Spliterator.SIZED | Spliterator.SUBSIZED);
		}

	}

}
