package com.fallom.prompts.internal;

import com.fallom.prompts.PromptAbTest;

/**
 * A prompt A/B test with its cumulative bucket boundaries computed once. Immutable and
 * thread-safe. Internal API.
 */
public final class CompiledAbTest {

	private final PromptAbTest definition;

	private final double[] boundaries;

	private CompiledAbTest(PromptAbTest definition) {
		this.definition = definition;
		this.boundaries = new double[definition.variants().size()];
		// Accumulate exactly as the Python SDK does (IEEE doubles, weight * 10000 each step),
		// as model configs do: rounding would move boundary buckets to another variant.
		double cumulative = 0.0;
		for (int i = 0; i < this.boundaries.length; i++) {
			cumulative += definition.variants().get(i).weight() * 10000;
			this.boundaries[i] = cumulative;
		}
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
		double[] boundaries = this.boundaries;
		for (int i = 0; i < boundaries.length; i++) {
			if (bucket < boundaries[i]) {
				return i;
			}
		}
		return boundaries.length - 1;
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
