package com.fallom.models;

/**
 * How a {@link ModelAssignment} was decided.
 */
public enum AssignmentSource {

	/** The latest version of a config fetched from the backend. */
	LATEST,

	/** A pinned version of a config. */
	PINNED,

	/** The latest version of a config read from the snapshot file. */
	SNAPSHOT,

	/** A bootstrap config from {@code fallom.models.configs}. */
	BOOTSTRAP,

	/** The caller's fallback model: no config could be used. */
	FALLBACK

}
