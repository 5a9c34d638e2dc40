package com.fallom.evals;

/**
 * Follows a run: told after every call and at the end. Called from the run's worker
 * threads, so implementations must be thread-safe and quick.
 *
 * @see LoggingEvalListener
 */
public interface EvalListener {

	/**
	 * Called when a judge call or a generation ends.
	 * @param progress where the run stands
	 */
	default void onProgress(EvalProgress progress) {
	}

	/**
	 * Called once the run is done, after the upload.
	 * @param run the run
	 */
	default void onFinish(EvalRun run) {
	}

}
