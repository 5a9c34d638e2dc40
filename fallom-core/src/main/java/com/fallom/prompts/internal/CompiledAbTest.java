package com.fallom.prompts.internal;

import com.fallom.internal.WeightedSplit;

import com.fallom.prompts.PromptAbTest;

/**
 * A prompt A/B test with its cumulative bucket boundaries computed once. Immutable and
 * thread-safe. Internal API.
 */
public final class CompiledAbTest {

	private final PromptAbTest definition;

	private final WeightedSplit split;

	private CompiledAbTest(PromptAbTest definition) {
		this.definition = definition;
		// The same split as model configs: a session lands in the same bucket in both.
		this.split = WeightedSplit.of(definition.variants(), PromptAbTest.Variant::weight);
	}

	/**
	 * Compute the boundaries of a test.
	 * @param definition the test
	 * @return the compiled test
	 */
	public static CompiledAbTest compile(PromptAbTest definition) {
		return new CompiledAbTest(definition);
	}

	public PromptAbTest definition() {
		return this.definition;
	}

	public String key() {
		return this.definition.key();
	}

	/**
	 * Return the index of the variant that owns a bucket: the first whose cumulative
	 * boundary lies above it, else the last.
	 * @param bucket a bucket in {@code [0, 1_000_000)}
	 * @return the variant index
	 */
	public int variantIndexFor(int bucket) {
		return this.split.variantIndexFor(bucket);
	}

	/**
	 * Return a variant.
	 * @param index its index
	 * @return the variant
	 */
	public PromptAbTest.Variant variant(int index) {
		return this.definition.variants().get(index);
	}

	@Override
	public String toString() {
		return "CompiledAbTest[key=" + key() + ", version=" + this.definition.version() + "]";
	}

}
