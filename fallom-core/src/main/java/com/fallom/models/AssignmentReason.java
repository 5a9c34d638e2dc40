package com.fallom.models;

/**
 * Why a session got its variant: targeting or the weighted hash of its session id.
 */
public enum AssignmentReason {

	/** An individual target of the config's targeting matched, e.g. a VIP customer id. */
	INDIVIDUAL_TARGET,

	/** A rule of the config's targeting matched: all of its conditions held. */
	RULE,

	/**
	 * The weighted hash of the session id: no targeting matched, or the match named a
	 * variant the config does not have.
	 */
	HASH,

	/** No config could be used: the caller's fallback model. */
	FALLBACK

}
