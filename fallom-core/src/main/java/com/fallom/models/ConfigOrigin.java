package com.fallom.models;

/**
 * Where a {@link ModelConfig} came from. Fetched configs win over a snapshot file, which
 * wins over the bootstrap configs in {@code fallom.models.configs}.
 */
public enum ConfigOrigin {

	/** Fetched from the Fallom backend by this process. */
	FETCHED,

	/** Read from {@code fallom.models.snapshot-file}, written by an earlier good sync. */
	SNAPSHOT,

	/** Declared in {@code fallom.models.configs}. */
	BOOTSTRAP

}
