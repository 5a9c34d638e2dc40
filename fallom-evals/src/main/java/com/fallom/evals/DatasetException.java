package com.fallom.evals;

/**
 * A dataset could not be fetched from the Fallom app: not found (404), access denied
 * (403), or another failure. The message names the key.
 */
public class DatasetException extends RuntimeException {

	private final String key;

	private final int status;

	/**
	 * Create an exception.
	 * @param message the message, naming the key
	 * @param key the dataset key
	 * @param status the HTTP status, or 0 when there was no answer
	 * @param cause the cause, or {@code null}
	 */
	public DatasetException(String message, String key, int status, Throwable cause) {
		super(message, cause);
		this.key = key;
		this.status = status;
	}

	/**
	 * Return the dataset key.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Return the HTTP status, or 0 when the app did not answer.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

}
