package com.fallom.metrics;

import java.util.List;

import com.fallom.models.internal.SessionHasher;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptFallback;
import com.fallom.prompts.PromptVersion;
import com.fallom.prompts.internal.PromptRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomPromptMetrics}.
 */
class FallomPromptMetricsTests {

	private final FallomPrompts prompts = new FallomPrompts(new PromptRegistry(
			List.of(new PromptVersion("a", 1, "s", "u"), new PromptVersion("a", 2, "s", "u")),
			List.of(new PromptAbTest("t", 1,
					List.of(PromptAbTest.Variant.pinned("a", 1, 50), PromptAbTest.Variant.current("a", 50))))));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void countsAbAssignmentsByTestVariantAndPromptVersionWithoutSessionTag() {
		new FallomPromptMetrics(this.prompts).bindTo(this.registry);
		String low = sessionWhere(true);
		String high = sessionWhere(false);
		this.prompts.getAb("t", low, null);
		this.prompts.getAb("t", low, null);
		this.prompts.getAb("t", high, null);
		this.prompts.get("a", null);
		assertThat(this.registry.get(FallomPromptMetrics.METRIC_NAME).tag("variant", "0").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get(FallomPromptMetrics.METRIC_NAME)
			.tags("variant", "1", "prompt.key", "a", "prompt.version", "2", "ab_test.key", "t", "source", "ab_test")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.registry.getMeters()).hasSize(2);
		for (Meter meter : this.registry.getMeters()) {
			assertThat(meter.getId().getTags()).noneMatch((tag) -> tag.getKey().contains("session"));
		}
	}

	@Test
	void countsFallbacksApart() {
		new FallomPromptMetrics(this.prompts).bindTo(this.registry);
		this.prompts.getAb("unknown", "s1", null, PromptFallback.of("s", "u"));
		assertThat(this.registry.get(FallomPromptMetrics.METRIC_NAME)
			.tags("ab_test.key", "unknown", "variant", "none", "source", "fallback")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void bindingTwiceCountsOnce() {
		FallomPromptMetrics metrics = new FallomPromptMetrics(this.prompts);
		metrics.bindTo(this.registry);
		metrics.bindTo(this.registry);
		this.prompts.getAb("t", "s1", null);
		assertThat(this.registry.get(FallomPromptMetrics.METRIC_NAME).counter().count()).isEqualTo(1);
	}

	private static String sessionWhere(boolean lowHalf) {
		for (int i = 0;; i++) {
			String sessionId = "session-" + i;
			if ((SessionHasher.bucketOf(sessionId) < 500_000) == lowHalf) {
				return sessionId;
			}
		}
	}

}
