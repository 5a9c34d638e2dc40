package com.fallom.evals;

import org.jspecify.annotations.Nullable;

/**
 * What became of a run's upload to the Fallom dashboard.
 *
 * @param uploaded whether the app accepted the results
 * @param runId the run id the app answered, or {@code null}
 * @param dashboardUrl the run on the dashboard, {@code {app}/evals/{run_id}}, or {@code null}
 * @param error why nothing was uploaded (not asked, no key, or the failure), or {@code null}
 */
public record EvalUpload(boolean uploaded, @Nullable String runId, @Nullable String dashboardUrl,
		@Nullable String error) {

	/**
	 * Describe the outcome in a few words.
	 * @return the description
	 */
	public String describe() {
		if (this.uploaded) {
			return "uploaded" + ((this.dashboardUrl != null) ? " to " + this.dashboardUrl : "");
		}
		return "not uploaded (" + this.error + ")";
	}

}
