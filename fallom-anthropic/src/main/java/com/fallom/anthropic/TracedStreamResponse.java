package com.fallom.anthropic;

import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import org.jspecify.annotations.Nullable;

/**
 * A streamed answer handed to the caller event by event as the SDK reads it, each event
 * seen on its way: nothing is buffered or delayed. The call's record is sent when the
 * stream ends, fails, or is closed by the caller before its end.
 */
final class TracedStreamResponse implements StreamResponse<RawMessageStreamEvent> {

	private final StreamResponse<RawMessageStreamEvent> delegate;

	private final MessageCall call;

	TracedStreamResponse(StreamResponse<RawMessageStreamEvent> delegate, MessageCall call) {
		this.delegate = delegate;
		this.call = call;
	}

	@Override
	public Stream<RawMessageStreamEvent> stream() {
		Stream<RawMessageStreamEvent> events = this.delegate.stream();
		return StreamSupport.stream(new Observed(events.spliterator()), false).onClose(events::close);
	}

	@Override
	public void close() {
		this.call.cancelled();
		this.delegate.close();
	}

	@Override
	public String toString() {
		return "Fallom traced " + this.delegate;
	}

	/**
	 * Passes each event on as it comes and tells the call of the stream's end or failure.
	 */
	private final class Observed implements Spliterator<RawMessageStreamEvent> {

		private final Spliterator<RawMessageStreamEvent> events;

		Observed(Spliterator<RawMessageStreamEvent> events) {
			this.events = events;
		}

		@Override
		public boolean tryAdvance(Consumer<? super RawMessageStreamEvent> action) {
			boolean advanced;
			try {
				advanced = this.events.tryAdvance((event) -> {
					TracedStreamResponse.this.call.event(event);
					action.accept(event);
				});
			}
			catch (RuntimeException | Error ex) {
				TracedStreamResponse.this.call.failed(ex);
				throw ex;
			}
			if (!advanced) {
				TracedStreamResponse.this.call.streamEnded();
			}
			return advanced;
		}

		@Override
		public @Nullable Spliterator<RawMessageStreamEvent> trySplit() {
			// Events are ordered and read from one connection
			return null;
		}

		@Override
		public long estimateSize() {
			return Long.MAX_VALUE;
		}

		@Override
		public int characteristics() {
			return Spliterator.ORDERED | Spliterator.NONNULL;
		}

	}

}
