package com.fallom.internal;

import java.io.IOException;

/**
 * Thrown when the backend's answer is larger than the client accepts: the request fails
 * as a network failure does, so that a sync keeps its last good state and a sender
 * retries. Internal API.
 */
public class ResponseTooLargeException extends IOException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param maxBytes the most bytes accepted
	 */
	public ResponseTooLargeException(long maxBytes) {
		super("response body larger than " + maxBytes + " bytes");
	}

}
