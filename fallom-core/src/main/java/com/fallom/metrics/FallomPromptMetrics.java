package com.fallom.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Counts prompt A/B assignments as {@code fallom.prompt.assignments}, tagged by test key,
 * variant index, prompt key and version, and whether the caller's fallback was given.
 * Never tagged by session id: that would make one time series per session.
 * <p>
 * A counter is looked up by the test key the caller already has, then in a small
 * copy-on-write array, so counting allocates nothing once the counter exists.
 */
public class FallomPromptMetrics implements MeterBinder {

	/** The name of the counter. */
	public static final String METRIC_NAME = "fallom.prompt.assignments";

	private final FallomPrompts prompts;

	private volatile @Nullable MeterRegistry registry;

	private final ConcurrentMap<String, ByTest> counters = new ConcurrentHashMap<>();

	/**
	 * Create a binder of the prompt A/B assignments of a {@link FallomPrompts}.
	 * @param prompts the prompts
	 */
	public FallomPromptMetrics(FallomPrompts prompts) {
		this.prompts = prompts;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.registry == null) {
			this.registry = registry;
			this.prompts.addListener(new PromptListener() {

				@Override
				public void onAbTest(String abTestKey, FallomPrompt prompt, boolean fallback) {
					count(abTestKey, prompt, fallback);
				}

			});
		}
	}

	private void count(String abTestKey, FallomPrompt prompt, boolean fallback) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		ByTest byTest = this.counters.get(abTestKey);
		if (byTest == null) {
			byTest = this.counters.computeIfAbsent(abTestKey, (key) -> new ByTest());
		}
		int variant = (fallback || prompt.variantIndex() == null) ? -1 : prompt.variantIndex();
		byTest.counter(registry, abTestKey, variant, prompt, fallback).increment();
	}

	/**
	 * The counters of one test, by variant, prompt key and version.
	 */
	private static final class ByTest {

		private volatile Entry[] entries = new Entry[0];

		Counter counter(MeterRegistry registry, String abTestKey, int variant, FallomPrompt prompt, boolean fallback) {
			for (Entry entry : this.entries) {
				if (entry.matches(variant, prompt, fallback)) {
					return entry.counter;
				}
			}
			return register(registry, abTestKey, variant, prompt, fallback);
		}

		private synchronized Counter register(MeterRegistry registry, String abTestKey, int variant,
				FallomPrompt prompt, boolean fallback) {
			Entry[] known = this.entries;
			for (Entry entry : known) {
				if (entry.matches(variant, prompt, fallback)) {
					return entry.counter;
				}
			}
			Counter counter = Counter.builder(METRIC_NAME)
				.description("Prompt A/B test assignments made by Fallom")
				.tag("ab_test.key", abTestKey)
				.tag("variant", (variant >= 0) ? Integer.toString(variant) : "none")
				.tag("prompt.key", prompt.key())
				.tag("prompt.version", Integer.toString(prompt.version()))
				.tag("source", fallback ? "fallback" : "ab_test")
				.register(registry);
			Entry[] grown = new Entry[known.length + 1];
			System.arraycopy(known, 0, grown, 0, known.length);
			grown[known.length] = new Entry(variant, prompt.key(), prompt.version(), fallback, counter);
			this.entries = grown;
			return counter;
		}

	}

	private record Entry(int variant, String promptKey, int promptVersion, boolean fallback, Counter counter) {

		boolean matches(int variant, FallomPrompt prompt, boolean fallback) {
			return this.variant == variant && this.promptVersion == prompt.version() && this.fallback == fallback
					&& this.promptKey.equals(prompt.key());
		}

	}

}
