package com.fallom.prompts.internal;

import java.util.List;

import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromptRegistry}.
 */
class PromptRegistryTests {

	private static final PromptVersion A1 = new PromptVersion("a", 1, "s1", "u1");

	private static final PromptVersion A2 = new PromptVersion("a", 2, "s2", "u2");

	private static final PromptVersion B1 = new PromptVersion("b", 1, "s", "u");

	private static final PromptAbTest T1 = new PromptAbTest("t", 1, List.of(PromptAbTest.Variant.current("a", 100)));

	@Test
	void servesTheLastEntryOfAKeyAsItsCurrentVersion() {
		PromptRegistry registry = new PromptRegistry(List.of(A2, A1), List.of());
		assertThat(registry.snapshot().prompt("a").definition()).isEqualTo(A1);
		assertThat(registry.snapshot().prompt("a", 2).definition()).isEqualTo(A2);
	}

	@Test
	void servesBootstrapPromptsAndTestsUntilTheFirstSyncReplacesThem() {
		PromptRegistry registry = new PromptRegistry(List.of(A1, B1), List.of(T1));
		assertThat(registry.snapshot().prompt("b")).isNotNull();
		assertThat(registry.snapshot().abTest("t")).isNotNull();
		registry.applyPrompts(List.of(A2), List.of());
		registry.applyAbTests(List.of(), List.of());
		assertThat(registry.currentPrompts()).containsExactly(A2);
		assertThat(registry.snapshot().prompt("b")).isNull();
		assertThat(registry.snapshot().abTest("t")).isNull();
	}

	@Test
	void keepsEveryVersionSeenForPinning() {
		PromptRegistry registry = new PromptRegistry(List.of(B1), List.of());
		registry.applyPrompts(List.of(A1), List.of());
		registry.applyPrompts(List.of(A2), List.of());
		registry.applyPrompts(List.of(), List.of());
		assertThat(registry.snapshot().prompt("a")).isNull();
		assertThat(registry.snapshot().prompt("a", 1).definition()).isEqualTo(A1);
		assertThat(registry.snapshot().prompt("a", 2).definition()).isEqualTo(A2);
		assertThat(registry.snapshot().prompt("b", 1).definition()).isEqualTo(B1);
	}

	@Test
	void keepsTheLastGoodCurrentVersionOfAKeyWhoseEntriesWereAllRejected() {
		PromptRegistry registry = new PromptRegistry(List.of(A1, B1), List.of());
		assertThat(registry.applyPrompts(List.of(B1), List.of("a", "never-seen"))).containsExactly("a");
		assertThat(registry.snapshot().prompt("a").definition()).isEqualTo(A1);
	}

	@Test
	void servesTheLastValidEntryOfAKeyWhenALaterOneWasRejected() {
		PromptRegistry registry = new PromptRegistry(List.of(A2), List.of());
		assertThat(registry.applyPrompts(List.of(A1), List.of("a"))).isEmpty();
		assertThat(registry.snapshot().prompt("a").definition()).isEqualTo(A1);
	}

	@Test
	void keepsTheLastGoodTestWhoseEntryWasRejected() {
		PromptRegistry registry = new PromptRegistry(List.of(A1), List.of(T1));
		assertThat(registry.applyAbTests(List.of(), List.of("t"))).containsExactly("t");
		assertThat(registry.snapshot().abTest("t").definition()).isEqualTo(T1);
	}

	@Test
	void reusesParsedTemplatesOfUnchangedVersions() {
		PromptRegistry registry = new PromptRegistry(List.of(A1), List.of(T1));
		CompiledPrompt before = registry.snapshot().prompt("a");
		CompiledAbTest testBefore = registry.snapshot().abTest("t");
		registry.applyPrompts(List.of(new PromptVersion("a", 1, "s1", "u1")), List.of());
		registry.applyAbTests(List.of(T1), List.of());
		assertThat(registry.snapshot().prompt("a")).isSameAs(before);
		assertThat(registry.snapshot().abTest("t")).isSameAs(testBefore);
	}

	@Test
	void updatingPromptsKeepsTestsAndTheOtherWayRound() {
		PromptRegistry registry = new PromptRegistry(List.of(A1), List.of(T1));
		registry.applyPrompts(List.of(A2), List.of());
		assertThat(registry.abTests()).containsExactly(T1);
		registry.applyAbTests(List.of(), List.of());
		assertThat(registry.currentPrompts()).containsExactly(A2);
	}

	@Test
	void publishesANewSnapshotAndLeavesTheOldOneUntouched() {
		PromptRegistry registry = new PromptRegistry(List.of(A1), List.of());
		PromptSnapshot before = registry.snapshot();
		registry.applyPrompts(List.of(A2), List.of());
		assertThat(before.prompt("a").version()).isEqualTo(1);
		assertThat(before.prompt("a", 2)).isNull();
		assertThat(registry.snapshot()).isNotSameAs(before);
	}

}
