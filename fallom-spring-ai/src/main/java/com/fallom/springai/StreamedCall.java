package com.fallom.springai;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What {@link FallomAdvisor} sees of a stream that the chat model's observation cannot:
 * when the caller received the first chunk, and whether the caller cancelled. The chat
 * span's handler finds it by the call id in the request's message metadata, when the
 * model call starts; the advisor unregisters it when the stream ends, so the table only
 * holds streams in flight.
 */
final class StreamedCall {

	private static final Map<String, StreamedCall> inFlight = new ConcurrentHashMap<>();

	private static final AtomicLong ids = new AtomicLong();

	private final String id;

	private final AtomicBoolean claimed = new AtomicBoolean();

	private volatile long firstChunkNanos;

	private volatile boolean cancelled;

	private StreamedCall(String id) {
		this.id = id;
	}

	static StreamedCall register() {
		StreamedCall call = new StreamedCall("s" + ids.incrementAndGet());
		inFlight.put(call.id, call);
		return call;
	}

	/**
	 * Return the call for the first chat span that asks: a tool-calling stream makes
	 * several model calls, and the caller's first chunk belongs to the first.
	 */
	static @Nullable StreamedCall claim(@Nullable String id) {
		if (id == null) {
			return null;
		}
		StreamedCall call = inFlight.get(id);
		return (call != null && call.claimed.compareAndSet(false, true)) ? call : null;
	}

	String id() {
		return this.id;
	}

	void firstChunk() {
		if (this.firstChunkNanos == 0) {
			this.firstChunkNanos = System.nanoTime();
		}
	}

	void cancelled() {
		this.cancelled = true;
	}

	void ended() {
		inFlight.remove(this.id);
	}

	/**
	 * Return the nanoTime of the first chunk the caller received.
	 * @return the time, or {@code 0} when none arrived
	 */
	long firstChunkNanos() {
		return this.firstChunkNanos;
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	static int inFlight() {
		return inFlight.size();
	}

}
