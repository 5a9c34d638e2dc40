package com.fallom.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A failure that {@link FallomMockServer} injects into the answers of one endpoint: an
 * HTTP status (with a {@code Retry-After} if wanted), a delay, a successful answer with a
 * body that cannot be parsed or with a body given as it is, a valid answer too large, a
 * connection closed without an answer, a request that is never answered, or an answer
 * whose body stalls after its headers.
 * <p>
 * A fault applies to every later authorized request of its endpoint until it is
 * cleared, or only to the next {@link #times(int) n} requests. Instances are immutable.
 *
 * @see FallomMockServer#fault(Endpoint, Fault)
 */
public final class Fault {

	enum Kind {

		STATUS, DELAY, MALFORMED_BODY, BODY, RESET, HANG, STALLED_BODY, PADDED_BODY

	}

	private final Kind kind;

	private final int status;

	private final Duration delay;

	private final int times;

	private final @Nullable String retryAfter;

	private final int size;

	private final byte[] body;

	private Fault(Kind kind, int status, Duration delay, int times) {
		this(kind, status, delay, times, null, 0, new byte[0]);
	}

	private Fault(Kind kind, int status, Duration delay, int times, @Nullable String retryAfter, int size,
			byte[] body) {
		this.kind = kind;
		this.status = status;
		this.delay = delay;
		this.times = times;
		this.retryAfter = retryAfter;
		this.size = size;
		this.body = body;
	}

	/**
	 * Answer with the given HTTP status and a short plain-text body.
	 * @param code the status code, 200 to 599
	 * @return the fault
	 */
	public static Fault status(int code) {
		if (code < 200 || code > 599) {
			throw new IllegalArgumentException("Status code must be between 200 and 599, was " + code);
		}
		return new Fault(Kind.STATUS, code, Duration.ZERO, 0);
	}

	/**
	 * Wait before handling the request normally. Only the thread serving that request
	 * waits, so other requests are answered meanwhile; closing the server ends the wait.
	 * @param delay how long to wait
	 * @return the fault
	 */
	public static Fault delay(Duration delay) {
		Objects.requireNonNull(delay, "delay must not be null");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("Delay must not be negative, was " + delay);
		}
		return new Fault(Kind.DELAY, 0, delay, 0);
	}

	/**
	 * Answer {@code 200} with a body that does not parse: broken JSON on the JSON
	 * endpoints, bytes that are not an {@code ExportTraceServiceResponse} on
	 * {@code /v1/traces}.
	 * @return the fault
	 */
	public static Fault malformedBody() {
		return new Fault(Kind.MALFORMED_BODY, 0, Duration.ZERO, 0);
	}

	/**
	 * Answer {@code 200} with exactly this JSON body, whatever it holds: for bodies the
	 * server's own stores would refuse, such as one nested 10,000 levels deep.
	 * @param body the body, sent as UTF-8
	 * @return the fault
	 */
	public static Fault body(String body) {
		Objects.requireNonNull(body, "body must not be null");
		return new Fault(Kind.BODY, 0, Duration.ZERO, 0, null, 0, body.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Close the connection without answering, as a backend that crashes or a proxy that
	 * drops the connection does: the client sees the connection end before a response.
	 * @return the fault
	 */
	public static Fault reset() {
		return new Fault(Kind.RESET, 0, Duration.ZERO, 0);
	}

	/**
	 * Read the request and never answer, until the fault is cleared or replaced or the
	 * server closes; then the connection is closed without an answer. The client's own
	 * time-out is what ends the request. Each hanging request holds one of the server's
	 * threads.
	 * @return the fault
	 */
	public static Fault hang() {
		return new Fault(Kind.HANG, 0, Duration.ZERO, 0);
	}

	/**
	 * Answer {@code 200} with the response headers and the first bytes of a body, then
	 * send nothing more until the fault is cleared or replaced or the server closes; then
	 * the connection is closed before the body is complete. A client whose time-out stops
	 * at the response headers waits for ever. Each stalled request holds one of the
	 * server's threads.
	 * @return the fault
	 */
	public static Fault stallBody() {
		return new Fault(Kind.STALLED_BODY, 0, Duration.ZERO, 0);
	}

	/**
	 * Answer the read endpoints (configs, prompts, prompt A/B tests) as usual, with the
	 * JSON padded by trailing whitespace to at least {@code size} bytes: a valid answer
	 * that is too large. Other endpoints answer as usual.
	 * @param size the least size of the body in bytes, positive
	 * @return the fault
	 */
	public static Fault paddedBody(int size) {
		if (size < 1) {
			throw new IllegalArgumentException("Size must be positive, was " + size);
		}
		return new Fault(Kind.PADDED_BODY, 0, Duration.ZERO, 0, null, size, new byte[0]);
	}

	/**
	 * Return a copy of this status fault that also sends a {@code Retry-After} header,
	 * given as is: delay-seconds ({@code "120"}), an HTTP-date, or anything a proxy may
	 * send (epoch milliseconds, garbage).
	 * @param value the header value
	 * @return the fault
	 */
	public Fault withRetryAfter(String value) {
		Objects.requireNonNull(value, "value must not be null");
		if (this.kind != Kind.STATUS) {
			throw new IllegalStateException("Only a status fault has a Retry-After, not " + this);
		}
		return new Fault(this.kind, this.status, this.delay, this.times, value, this.size, this.body);
	}

	/**
	 * Return a copy of this fault that applies to the next {@code n} requests only and
	 * is then cleared.
	 * @param n how many requests the fault applies to, at least 1
	 * @return the limited fault
	 */
	public Fault times(int n) {
		if (n < 1) {
			throw new IllegalArgumentException("Times must be at least 1, was " + n);
		}
		return new Fault(this.kind, this.status, this.delay, n, this.retryAfter, this.size, this.body);
	}

	Kind kind() {
		return this.kind;
	}

	int statusCode() {
		return this.status;
	}

	Duration delayDuration() {
		return this.delay;
	}

	@Nullable String retryAfter() {
		return this.retryAfter;
	}

	int size() {
		return this.size;
	}

	byte[] bodyBytes() {
		return this.body;
	}

	/**
	 * How many more requests the fault applies to; {@code 0} means until cleared.
	 */
	int remaining() {
		return this.times;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof Fault other)) {
			return false;
		}
		return this.kind == other.kind && this.status == other.status && this.delay.equals(other.delay)
				&& this.times == other.times && Objects.equals(this.retryAfter, other.retryAfter)
				&& this.size == other.size && Arrays.equals(this.body, other.body);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.status, this.delay, this.times, this.retryAfter, this.size,
				Arrays.hashCode(this.body));
	}

	@Override
	public String toString() {
		String description = switch (this.kind) {
			case STATUS -> "status(" + this.status + ")"
					+ ((this.retryAfter != null) ? ".withRetryAfter(\"" + this.retryAfter + "\")" : "");
			case DELAY -> "delay(" + this.delay + ")";
			case MALFORMED_BODY -> "malformedBody()";
			case BODY -> "body(" + this.body.length + " bytes)";
			case RESET -> "reset()";
			case HANG -> "hang()";
			case STALLED_BODY -> "stallBody()";
			case PADDED_BODY -> "paddedBody(" + this.size + ")";
		};
		return "Fault." + description + ((this.times > 0) ? ".times(" + this.times + ")" : "");
	}

}
