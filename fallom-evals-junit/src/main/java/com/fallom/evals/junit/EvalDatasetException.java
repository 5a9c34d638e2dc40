package com.fallom.evals.junit;

/**
 * A dataset file that cannot be read: the message names the file, the line and why.
 */
public class EvalDatasetException extends IllegalArgumentException {

	/**
	 * Create an exception.
	 * @param message the message, naming the file and line
	 * @param cause the cause, or {@code null}
	 */
	public EvalDatasetException(String message, Throwable cause) {
		super(message, cause);
	}

}
