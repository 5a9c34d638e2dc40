package com.fallom.prompts.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the request path reads: the current version of every prompt, every prompt version
 * seen (for pinning), and the prompt A/B tests. Immutable; published whole by
 * {@link PromptRegistry}. Internal API.
 */
public final class PromptSnapshot {

	static final PromptSnapshot EMPTY = new PromptSnapshot(Map.of(), Map.of(), Map.of());

	private final Map<String, CompiledPrompt> current;

	private final Map<String, Map<Integer, CompiledPrompt>> versions;

	private final Map<String, CompiledAbTest> abTests;

	PromptSnapshot(Map<String, CompiledPrompt> current, Map<String, Map<Integer, CompiledPrompt>> versions,
			Map<String, CompiledAbTest> abTests) {
		this.current = Collections.unmodifiableMap(new LinkedHashMap<>(current));
		Map<String, Map<Integer, CompiledPrompt>> versionsCopy = new LinkedHashMap<>();
		versions.forEach((key, byVersion) -> versionsCopy.put(key,
				Collections.unmodifiableMap(new LinkedHashMap<>(byVersion))));
		this.versions = Collections.unmodifiableMap(versionsCopy);
		this.abTests = Collections.unmodifiableMap(new LinkedHashMap<>(abTests));
	}

	/**
	 * Return the current version of a prompt.
	 * @param key the prompt key
	 * @return the prompt, or {@code null} when unknown
	 */
	public @Nullable CompiledPrompt prompt(String key) {
		return this.current.get(key);
	}

	/**
	 * Return a version of a prompt seen since start-up.
	 * @param key the prompt key
	 * @param version the version
	 * @return the prompt, or {@code null} when never seen
	 */
	public @Nullable CompiledPrompt prompt(String key, int version) {
		Map<Integer, CompiledPrompt> byVersion = this.versions.get(key);
		return (byVersion != null) ? byVersion.get(version) : null;
	}

	/**
	 * Return a prompt A/B test.
	 * @param key the test key
	 * @return the test, or {@code null} when unknown
	 */
	public @Nullable CompiledAbTest abTest(String key) {
		return this.abTests.get(key);
	}

	/**
	 * Return the current version of every prompt, by key.
	 * @return the prompts, unmodifiable
	 */
	public Map<String, CompiledPrompt> currentPrompts() {
		return this.current;
	}

	/**
	 * Return every prompt version seen, by key and version.
	 * @return the versions, unmodifiable
	 */
	public Map<String, Map<Integer, CompiledPrompt>> promptVersions() {
		return this.versions;
	}

	/**
	 * Return the prompt A/B tests, by key.
	 * @return the tests, unmodifiable
	 */
	public Map<String, CompiledAbTest> abTests() {
		return this.abTests;
	}

	@Override
	public String toString() {
		return "PromptSnapshot[" + this.current.size() + " prompt(s), " + this.abTests.size() + " A/B test(s)]";
	}

}
