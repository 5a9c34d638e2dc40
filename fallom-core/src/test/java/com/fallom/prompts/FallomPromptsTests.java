package com.fallom.prompts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fallom.CapturedLogs;
import com.fallom.models.internal.SessionHasher;
import com.fallom.prompts.internal.PromptRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FallomPrompts}.
 */
@ExtendWith(CapturedLogs.Extension.class)
class FallomPromptsTests {

	private static final PromptVersion GREETING_V1 = new PromptVersion("greeting", 1, "You greet for {{company}}.",
			"Hi {{name}}");

	private static final PromptVersion GREETING_V2 = new PromptVersion("greeting", 2, "v2 for {{company}}.",
			"Hello {{name}}");

	private static final PromptAbTest GREETING_TEST = new PromptAbTest("greeting-test", 1,
			List.of(PromptAbTest.Variant.pinned("greeting", 1, 50), PromptAbTest.Variant.current("greeting", 50)));

	private static final PromptFallback FALLBACK = PromptFallback.of("Fallback for {{company}}.", "Hey {{name}}");

	private final PromptRegistry registry = new PromptRegistry(List.of(GREETING_V1, GREETING_V2),
			List.of(GREETING_TEST));

	private final FallomPrompts prompts = new FallomPrompts(this.registry);

	@Test
	void getRendersTheCurrentVersionWithTheSameVariablesInSystemAndUser() {
		FallomPrompt prompt = this.prompts.get("greeting", Map.of("company", "Acme", "name", "Jo"));
		assertThat(prompt).isEqualTo(new FallomPrompt("greeting", 2, "v2 for Acme.", "Hello Jo", null, null));
	}

	@Test
	void getWithNullOrEmptyVariablesGivesTheTemplatesAsTheyAre() {
		assertThat(this.prompts.get("greeting", null).user()).isEqualTo("Hello {{name}}");
		assertThat(this.prompts.get("greeting", Map.of()).system()).isEqualTo("v2 for {{company}}.");
	}

	@Test
	void getInsertsDollarAndBackslashLiterally() {
		FallomPrompt prompt = this.prompts.get("greeting", Map.of("company", "$1 \\1 $", "name", "\\g<0>$0"));
		assertThat(prompt.system()).isEqualTo("v2 for $1 \\1 $.");
		assertThat(prompt.user()).isEqualTo("Hello \\g<0>$0");
	}

	@Test
	void getOfAPinnedVersionRendersThatVersion() {
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo"), 1).user()).isEqualTo("Hi Jo");
	}

	@Test
	void pinnedVersionsStayAvailableAfterASyncDropsThem() {
		this.registry.applyPrompts(List.of(new PromptVersion("greeting", 3, "v3", "Yo {{name}}")), List.of());
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo")).user()).isEqualTo("Yo Jo");
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo"), 1).user()).isEqualTo("Hi Jo");
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo"), 2).user()).isEqualTo("Hello Jo");
	}

	@Test
	void unknownPromptWithoutFallbackThrowsNamingTheKey() {
		assertThatExceptionOfType(PromptNotFoundException.class).isThrownBy(() -> this.prompts.get("nope", null))
			.withMessage("Prompt 'nope' not found")
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("nope"));
	}

	@Test
	void unknownPinnedVersionWithoutFallbackThrowsNamingKeyAndVersion() {
		assertThatExceptionOfType(PromptNotFoundException.class)
			.isThrownBy(() -> this.prompts.get("greeting", null, 7))
			.withMessage("Prompt 'greeting' version 7 not found");
	}

	@Test
	void unknownPromptWithFallbackPairRendersThePairWithTheVariables() {
		FallomPrompt prompt = this.prompts.get("nope", Map.of("company", "Acme", "name", "Jo"), FALLBACK);
		assertThat(prompt).isEqualTo(FallomPrompt.of("nope", "Fallback for Acme.", "Hey Jo"));
		assertThat(prompt.isManaged()).isFalse();
		assertThat(prompt.version()).isEqualTo(FallomPrompt.FALLBACK_VERSION);
		assertThat(prompt.context()).isNull();
		assertThat(prompt.attributes()).isEmpty();
	}

	@Test
	void unknownPinnedVersionWithFallbackGivesTheFallback() {
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo"), 9, FALLBACK).user()).isEqualTo("Hey Jo");
	}

	@Test
	void fallbackPromptIsGivenAsItIs() {
		FallomPrompt own = new FallomPrompt("greeting", 1, "copied v1", "Hi {{name}}", null, null);
		assertThat(this.prompts.get("nope", Map.of("name", "Jo"), PromptFallback.of(own))).isSameAs(own);
	}

	@Test
	void logsOneWarnPerKeyForFallbacks(CapturedLogs logs) {
		for (int i = 0; i < 3; i++) {
			this.prompts.get("nope", Map.of("name", "secret-value"), FALLBACK);
			this.prompts.getAb("nope", "s1", null, FALLBACK);
		}
		assertThat(logs.count("Prompt 'nope' not found; using the fallback prompt")).isEqualTo(1);
		assertThat(logs.count("Prompt A/B test 'nope' not found; using the fallback prompt")).isEqualTo(1);
		assertThat(logs.toString()).doesNotContain("secret-value");
	}

	@Test
	void knownPromptIgnoresTheFallback() {
		assertThat(this.prompts.get("greeting", Map.of("name", "Jo"), FALLBACK).user()).isEqualTo("Hello Jo");
	}

	@Test
	void variableThatFailsToRenderGivesTheFallback() {
		Object failing = new Object() {
			@Override
			public String toString() {
				throw new IllegalStateException("boom");
			}
		};
		assertThat(this.prompts.get("greeting", Map.of("name", failing, "company", "Acme"),
				PromptFallback.of(FallomPrompt.of("greeting", "s", "u"))).user())
			.isEqualTo("u");
		assertThatExceptionOfType(FallomPromptsException.class)
			.isThrownBy(() -> this.prompts.get("greeting", Map.of("name", failing)))
			.withMessageContaining("'greeting'")
			.withCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void getAbGivesTheVariantOfTheSessionsBucketWithTestAndVariant() {
		String sessionId = sessionInBucketBelow(500_000);
		FallomPrompt prompt = this.prompts.getAb("greeting-test", sessionId, Map.of("name", "Jo"));
		assertThat(prompt).isEqualTo(new FallomPrompt("greeting", 1, "You greet for {{company}}.", "Hi Jo",
				"greeting-test", 0));
		String otherSessionId = sessionInBucketFrom(500_000);
		assertThat(this.prompts.getAb("greeting-test", otherSessionId, null)).isEqualTo(
				new FallomPrompt("greeting", 2, "v2 for {{company}}.", "Hello {{name}}", "greeting-test", 1));
	}

	@Test
	void getAbIsStickyAcrossCallsAndSyncsOfTheSameTest() {
		String sessionId = "user-42";
		FallomPrompt first = this.prompts.getAb("greeting-test", sessionId, null);
		this.registry.applyAbTests(List.of(GREETING_TEST), List.of());
		for (int i = 0; i < 5; i++) {
			assertThat(this.prompts.getAb("greeting-test", sessionId, null)).isEqualTo(first);
		}
	}

	@Test
	void getAbFollowsTheCurrentVersionOfAnUnpinnedVariant() {
		String sessionId = sessionInBucketFrom(500_000);
		this.registry.applyPrompts(List.of(GREETING_V1, GREETING_V2, new PromptVersion("greeting", 3, "v3", "Yo")),
				List.of());
		assertThat(this.prompts.getAb("greeting-test", sessionId, null).version()).isEqualTo(3);
	}

	@Test
	void unknownAbTestWithoutFallbackThrowsNamingTheKey() {
		assertThatExceptionOfType(PromptNotFoundException.class)
			.isThrownBy(() -> this.prompts.getAb("no-test", "s1", null))
			.withMessage("Prompt A/B test 'no-test' not found")
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("no-test"));
	}

	@Test
	void unknownAbTestWithFallbackGivesTheFallbackUnderTheTestKey() {
		FallomPrompt prompt = this.prompts.getAb("no-test", "s1", Map.of("name", "Jo"), FALLBACK);
		assertThat(prompt).isEqualTo(FallomPrompt.of("no-test", "Fallback for {{company}}.", "Hey Jo"));
	}

	@Test
	void abTestPointingAtAMissingPromptVersionThrowsOrFallsBack() {
		this.registry.applyAbTests(List.of(new PromptAbTest("broken-test", 1,
				List.of(PromptAbTest.Variant.pinned("greeting", 9, 100)))), List.of());
		assertThatExceptionOfType(PromptNotFoundException.class)
			.isThrownBy(() -> this.prompts.getAb("broken-test", "s1", null))
			.withMessage("Prompt A/B test 'broken-test' variant 0 uses prompt 'greeting' version 9, which is not found")
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("broken-test"));
		assertThat(this.prompts.getAb("broken-test", "s1", Map.of("name", "Jo"), FALLBACK).user()).isEqualTo("Hey Jo");
	}

	@Test
	void abTestPointingAtAMissingPromptThrowsOrFallsBack() {
		this.registry.applyAbTests(
				List.of(new PromptAbTest("orphan-test", 1, List.of(PromptAbTest.Variant.current("gone", 100)))),
				List.of());
		assertThatExceptionOfType(PromptNotFoundException.class)
			.isThrownBy(() -> this.prompts.getAb("orphan-test", "s1", null))
			.withMessageContaining("'gone' (current version)");
		assertThat(this.prompts.getAb("orphan-test", "s1", null, FALLBACK).isManaged()).isFalse();
	}

	@Test
	void getAbRefusesAnEmptySessionIdEvenWithFallback() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prompts.getAb("greeting-test", "", null, FALLBACK))
			.withMessageContaining("'greeting-test'");
	}

	@Test
	void blankKeysAndBadVersionsAreProgrammingErrors() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prompts.get(" ", null, FALLBACK));
		assertThatIllegalArgumentException().isThrownBy(() -> this.prompts.get("greeting", null, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> this.prompts.getAb("", "s1", null));
	}

	@Test
	void emptyRegistryAnswersAtOnceWithFallbackOrException() {
		FallomPrompts empty = new FallomPrompts(new PromptRegistry());
		assertThat(empty.get("greeting", null, FALLBACK).isManaged()).isFalse();
		assertThatExceptionOfType(PromptNotFoundException.class).isThrownBy(() -> empty.getAb("t", "s", null));
	}

	@Test
	void variablesMayHoldNullAndNonStringValues() {
		Map<String, Object> variables = new HashMap<>();
		variables.put("company", null);
		variables.put("name", 3);
		FallomPrompt prompt = this.prompts.get("greeting", variables);
		assertThat(prompt.system()).isEqualTo("v2 for None.");
		assertThat(prompt.user()).isEqualTo("Hello 3");
	}

	@Test
	void attributesNameThePromptAndForATestItsVariant() {
		assertThat(this.prompts.get("greeting", null).attributes()).containsExactly(
				Map.entry(PromptContext.PROMPT_KEY, "greeting"), Map.entry(PromptContext.PROMPT_VERSION, 2));
		FallomPrompt tested = this.prompts.getAb("greeting-test", sessionInBucketBelow(500_000), null);
		assertThat(tested.context()).isEqualTo(new PromptContext("greeting", 1, "greeting-test", 0));
		assertThat(tested.attributes()).containsExactly(Map.entry("fallom.prompt_key", "greeting"),
				Map.entry("fallom.prompt_version", 1), Map.entry("fallom.prompt_ab_test", "greeting-test"),
				Map.entry("fallom.prompt_variant", 0));
	}

	@Test
	void toStringLeavesTheTextOut() {
		FallomPrompt prompt = this.prompts.get("greeting", Map.of("name", "secret-name"));
		assertThat(prompt.toString()).doesNotContain("secret-name").doesNotContain("Hello").contains("greeting");
	}

	@Test
	void listenersHearEveryPromptAndAbTestIncludingFallbacks() {
		List<String> heard = new ArrayList<>();
		PromptListener listener = new PromptListener() {

			@Override
			public void onPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
				heard.add("prompt " + promptKey + " v" + prompt.version() + (fallback ? " fallback" : ""));
			}

			@Override
			public void onAbTest(String abTestKey, FallomPrompt prompt, boolean fallback) {
				heard.add("test " + abTestKey + " variant " + prompt.variantIndex() + (fallback ? " fallback" : ""));
			}

		};
		PromptListener failing = new PromptListener() {
			@Override
			public void onPrompt(String promptKey, FallomPrompt prompt, boolean fallback) {
				throw new IllegalStateException("listener bug");
			}
		};
		FallomPrompts prompts = new FallomPrompts(this.registry, List.of(failing, listener));
		prompts.get("greeting", null);
		prompts.get("nope", null, FALLBACK);
		prompts.getAb("greeting-test", sessionInBucketBelow(500_000), null);
		prompts.getAb("no-test", "s1", null, FALLBACK);
		assertThat(heard).containsExactly("prompt greeting v2", "prompt nope v0 fallback",
				"test greeting-test variant 0", "test no-test variant null fallback");
	}

	@Test
	void callsDuringSyncsAlwaysSeeAWholeSnapshot() throws Exception {
		PromptRegistry registry = new PromptRegistry();
		FallomPrompts prompts = new FallomPrompts(registry);
		publish(registry, 1);
		ExecutorService readers = Executors.newFixedThreadPool(2);
		CountDownLatch started = new CountDownLatch(2);
		AtomicBoolean done = new AtomicBoolean();
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int r = 0; r < 2; r++) {
				String sessionId = "reader-" + r;
				results.add(readers.submit(() -> {
					started.countDown();
					int calls = 0;
					while (!done.get() || calls == 0) {
						FallomPrompt tested = prompts.getAb("t", sessionId, Map.of("n", calls));
						FallomPrompt current = prompts.get("p", null);
						// Each prompt version's text names its version: no mix of two syncs.
						assertThat(tested.system()).isEqualTo("v" + tested.version());
						assertThat(current.user()).isEqualTo("user of v" + current.version());
						calls++;
					}
					return calls;
				}));
			}
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			for (int version = 2; version <= 300; version++) {
				publish(registry, version);
			}
			done.set(true);
			for (Future<Integer> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isPositive();
			}
		}
		finally {
			done.set(true);
			readers.shutdownNow();
		}
	}

	/**
	 * Publish as one sync of both endpoints does: prompts first, then a test pinned to
	 * the newest version.
	 */
	private static void publish(PromptRegistry registry, int version) {
		registry.applyPrompts(List.of(new PromptVersion("p", version, "v" + version, "user of v" + version)),
				List.of());
		registry.applyAbTests(List.of(new PromptAbTest("t", version,
				List.of(PromptAbTest.Variant.pinned("p", version, 50), PromptAbTest.Variant.current("p", 50)))),
				List.of());
	}

	private static String sessionInBucketBelow(int bound) {
		for (int i = 0;; i++) {
			String sessionId = "session-" + i;
			if (SessionHasher.bucketOf(sessionId) < bound) {
				return sessionId;
			}
		}
	}

	private static String sessionInBucketFrom(int bound) {
		for (int i = 0;; i++) {
			String sessionId = "session-" + i;
			if (SessionHasher.bucketOf(sessionId) >= bound) {
				return sessionId;
			}
		}
	}

}
