package com.fallom.sync;

/**
 * How one background sync ended, as told to a {@link SyncListener}.
 */
public enum SyncOutcome {

	/** The backend answered with configs, which are served from now on. */
	UPDATED,

	/** The backend answered "not modified": the configs served are current. */
	NOT_MODIFIED,

	/**
	 * A network failure, a malformed body or any other error: retried at the normal
	 * interval.
	 */
	FAILED,

	/** The backend answered with an error status: the sync backs off. */
	REFUSED;

	/**
	 * Whether the backend answered with a usable body or "not modified".
	 * @return whether the sync succeeded
	 */
	public boolean isSuccess() {
		return this == UPDATED || this == NOT_MODIFIED;
	}

}
