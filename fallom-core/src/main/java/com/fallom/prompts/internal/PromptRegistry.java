package com.fallom.prompts.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import org.jspecify.annotations.Nullable;

/**
 * The prompts and prompt A/B tests a process serves, published as an immutable
 * {@link PromptSnapshot} behind a volatile field, which the request path reads without
 * locks and without I/O. The sync replaces prompts and tests separately, as they come
 * from separate endpoints:
 * <ul>
 * <li>the last entry of a key in a fetched list is its current version, and a fetched
 * list replaces the current set (bootstrap entries included);</li>
 * <li>every prompt version ever seen stays available for pinning;</li>
 * <li>a key whose entries were all rejected keeps its last good current version or test.</li>
 * </ul>
 * Internal API.
 */
public final class PromptRegistry {

	private volatile PromptSnapshot snapshot;

	/** The prompt versions the backend served (or a snapshot of it), as key#version. */
	private Set<String> servedPromptVersions = Set.of();

	/** The keys of the tests served now that the backend served (or a snapshot of it). */
	private Set<String> servedAbTests = Set.of();

	/**
	 * Create an empty registry.
	 */
	public PromptRegistry() {
		this.snapshot = PromptSnapshot.EMPTY;
	}

	/**
	 * Create a registry that serves bootstrap prompts and tests until the first sync.
	 * @param prompts the prompt versions; the last of a key is its current version
	 * @param abTests the tests; the last of a key wins
	 */
	public PromptRegistry(Collection<PromptVersion> prompts, Collection<PromptAbTest> abTests) {
		this.snapshot = PromptSnapshot.EMPTY;
		applyPrompts(prompts, Set.of(), false);
		applyAbTests(abTests, Set.of(), false);
	}

	/**
	 * Return what is served now.
	 * @return the snapshot
	 */
	public PromptSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * Serve a fetched prompt list from now on.
	 * @param prompts the valid entries, in the backend's order
	 * @param rejectedKeys the keys of the entries that were skipped
	 * @return the rejected keys whose last good current version is still served
	 */
	public synchronized Set<String> applyPrompts(Collection<PromptVersion> prompts, Collection<String> rejectedKeys) {
		return applyPrompts(prompts, rejectedKeys, true);
	}

	private Set<String> applyPrompts(Collection<PromptVersion> prompts, Collection<String> rejectedKeys,
			boolean fromBackend) {
		if (fromBackend) {
			Set<String> served = new LinkedHashSet<>(this.servedPromptVersions);
			prompts.forEach((prompt) -> served.add(id(prompt)));
			this.servedPromptVersions = Set.copyOf(served);
		}
		PromptSnapshot previous = this.snapshot;
		Map<String, Map<Integer, CompiledPrompt>> versions = new LinkedHashMap<>();
		previous.promptVersions().forEach((key, byVersion) -> versions.put(key, new LinkedHashMap<>(byVersion)));
		Map<String, CompiledPrompt> current = new LinkedHashMap<>();
		for (PromptVersion prompt : prompts) {
			Map<Integer, CompiledPrompt> byVersion = versions.computeIfAbsent(prompt.key(),
					(key) -> new LinkedHashMap<>());
			CompiledPrompt known = byVersion.get(prompt.version());
			// A version normally never changes: reuse its parsed templates.
			CompiledPrompt compiled = (known != null && known.definition().equals(prompt)) ? known
					: CompiledPrompt.compile(prompt);
			byVersion.put(prompt.version(), compiled);
			current.remove(prompt.key());
			current.put(prompt.key(), compiled);
		}
		Set<String> kept = new LinkedHashSet<>();
		for (String key : rejectedKeys) {
			CompiledPrompt lastGood = previous.prompt(key);
			if (!current.containsKey(key) && lastGood != null) {
				current.put(key, lastGood);
				kept.add(key);
			}
		}
		this.snapshot = new PromptSnapshot(current, versions, previous.abTests());
		return kept;
	}

	/**
	 * Serve a fetched prompt A/B test list from now on.
	 * @param abTests the valid entries, in the backend's order
	 * @param rejectedKeys the keys of the entries that were skipped
	 * @return the rejected keys whose last good test is still served
	 */
	public synchronized Set<String> applyAbTests(Collection<PromptAbTest> abTests, Collection<String> rejectedKeys) {
		return applyAbTests(abTests, rejectedKeys, true);
	}

	private Set<String> applyAbTests(Collection<PromptAbTest> abTests, Collection<String> rejectedKeys,
			boolean fromBackend) {
		PromptSnapshot previous = this.snapshot;
		Map<String, CompiledAbTest> tests = new LinkedHashMap<>();
		for (PromptAbTest test : abTests) {
			CompiledAbTest known = previous.abTest(test.key());
			tests.remove(test.key());
			tests.put(test.key(),
					(known != null && known.definition().equals(test)) ? known : CompiledAbTest.compile(test));
		}
		Set<String> kept = new LinkedHashSet<>();
		for (String key : rejectedKeys) {
			CompiledAbTest lastGood = previous.abTest(key);
			if (!tests.containsKey(key) && lastGood != null) {
				tests.put(key, lastGood);
				kept.add(key);
			}
		}
		Set<String> served = new LinkedHashSet<>();
		if (fromBackend) {
			abTests.forEach((test) -> served.add(test.key()));
			// A test kept in place of a rejected one is the backend's only if it was before.
			kept.stream().filter(this.servedAbTests::contains).forEach(served::add);
		}
		this.servedAbTests = Set.copyOf(served);
		this.snapshot = new PromptSnapshot(previous.currentPrompts(), previous.promptVersions(), tests);
		return kept;
	}

	/**
	 * Return what is served now that the backend served, for the snapshot files: never a
	 * bootstrap prompt or test, which would come back after a restart in place of a
	 * changed bootstrap one until the first good sync.
	 * @return the prompts and tests the backend served
	 */
	public synchronized PromptSnapshot servedByBackend() {
		PromptSnapshot snapshot = this.snapshot;
		Map<String, CompiledPrompt> current = new LinkedHashMap<>();
		snapshot.currentPrompts().forEach((key, prompt) -> {
			if (this.servedPromptVersions.contains(id(prompt.definition()))) {
				current.put(key, prompt);
			}
		});
		Map<String, Map<Integer, CompiledPrompt>> versions = new LinkedHashMap<>();
		snapshot.promptVersions().forEach((key, byVersion) -> {
			Map<Integer, CompiledPrompt> served = new LinkedHashMap<>();
			byVersion.forEach((version, prompt) -> {
				if (this.servedPromptVersions.contains(id(prompt.definition()))) {
					served.put(version, prompt);
				}
			});
			if (!served.isEmpty()) {
				versions.put(key, served);
			}
		});
		Map<String, CompiledAbTest> tests = new LinkedHashMap<>();
		snapshot.abTests().forEach((key, test) -> {
			if (this.servedAbTests.contains(key)) {
				tests.put(key, test);
			}
		});
		return new PromptSnapshot(current, versions, tests);
	}

	private static String id(PromptVersion prompt) {
		return prompt.key() + "#" + prompt.version();
	}

	/**
	 * Return the current version of every prompt, for listing.
	 * @return the prompt versions
	 */
	public List<PromptVersion> currentPrompts() {
		return this.snapshot.currentPrompts().values().stream().map(CompiledPrompt::definition).toList();
	}

	/**
	 * Return every prompt version known, current or kept for pinning, by key and then
	 * version, for listing.
	 * @return the prompt versions
	 */
	public List<PromptVersion> allPrompts() {
		List<PromptVersion> all = new ArrayList<>();
		this.snapshot.promptVersions()
			.values()
			.forEach((byVersion) -> byVersion.values().forEach((prompt) -> all.add(prompt.definition())));
		all.sort(Comparator.comparing(PromptVersion::key).thenComparingInt(PromptVersion::version));
		return all;
	}

	/**
	 * Return the prompt version a call would get, for listing.
	 * @param key the prompt key
	 * @param version the pinned version, or {@code null} for the current one
	 * @return the prompt version, or {@code null} when it is not known
	 */
	public @Nullable PromptVersion prompt(String key, @Nullable Integer version) {
		PromptSnapshot snapshot = this.snapshot;
		CompiledPrompt prompt = (version != null) ? snapshot.prompt(key, version) : snapshot.prompt(key);
		return (prompt != null) ? prompt.definition() : null;
	}

	/**
	 * Return the prompt A/B tests, for listing.
	 * @return the tests
	 */
	public List<PromptAbTest> abTests() {
		return this.snapshot.abTests().values().stream().map(CompiledAbTest::definition).toList();
	}

}
