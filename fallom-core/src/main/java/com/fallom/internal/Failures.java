package com.fallom.internal;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Describes a failed send for a log line without leaking what an exception message may
 * carry: the JDK's {@code IllegalArgumentException("invalid header value: ...")} quotes
 * the {@code Authorization} header, API key included. A description is the exception's
 * type, and its message only for the network failures whose messages the JDK writes
 * itself (time-out, refused connection, unknown host, a response too large). Internal
 * API.
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Describe a failure, unwrapping {@link CompletionException} and
	 * {@link ExecutionException}.
	 * @param failure the failure
	 * @return the description, safe for a log line
	 */
	public static String describe(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		String type = cause.getClass().getSimpleName();
		String message = cause.getMessage();
		return (message != null && hasSafeMessage(cause)) ? type + ": " + message : type;
	}

	private static boolean hasSafeMessage(Throwable failure) {
		return failure instanceof HttpTimeoutException || failure instanceof ConnectException
				|| failure instanceof SocketTimeoutException || failure instanceof UnknownHostException
				|| failure instanceof ClosedChannelException || failure instanceof EOFException
				|| failure instanceof ResponseTooLargeException;
	}

}
