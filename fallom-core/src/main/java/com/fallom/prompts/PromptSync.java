package com.fallom.prompts;

/**
 * When the engine syncs prompts and prompt A/B tests from the prompts service (online
 * only). The names match {@code true} and {@code false} in Spring Boot's relaxed binding,
 * so {@code fallom.prompts.sync=true} still means {@link #ON}.
 */
public enum PromptSync {

	/**
	 * Sync once the app uses prompts: from start-up when there are bootstrap prompts or
	 * prompt A/B tests, or prompts in the snapshot files; otherwise from the first
	 * {@link FallomPrompts#get} or {@link FallomPrompts#getAb} call, which (like every
	 * call until that sync has answered) is served from what is there, or its fallback.
	 */
	ON,

	/** Sync from start-up, whether or not the app uses prompts. */
	ALWAYS,

	/** Never sync: serve the bootstrap prompts and prompt A/B tests only. */
	OFF

}
