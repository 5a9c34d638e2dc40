package com.fallom.prompts.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import com.fallom.sync.SyncedResource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PromptParser}.
 */
class PromptParserTests {

	@Test
	void readsPromptsInTheBackendsOrder() {
		SyncedResource.Parsed<List<PromptVersion>> parsed = PromptParser.parsePrompts(json("""
				{"prompts": [
				  {"key": "a", "version": 1, "system_prompt": "s1", "user_template": "u1", "created_at": "ignored"},
				  {"key": "a", "version": 2, "system_prompt": "s2", "user_template": "u2"}]}
				"""));
		assertThat(parsed.value()).containsExactly(new PromptVersion("a", 1, "s1", "u1"),
				new PromptVersion("a", 2, "s2", "u2"));
		assertThat(parsed.rejected()).isEmpty();
	}

	@Test
	void skipsMalformedPromptsAloneAndSaysWhy() {
		SyncedResource.Parsed<List<PromptVersion>> parsed = PromptParser.parsePrompts(json("""
				{"prompts": [
				  {"key": "good", "version": 1, "system_prompt": "s", "user_template": "u"},
				  "not an object",
				  {"version": 1, "system_prompt": "s", "user_template": "u"},
				  {"key": "bad-version", "version": 0, "system_prompt": "s", "user_template": "u"},
				  {"key": "no-user", "version": 1, "system_prompt": "s"},
				  {"key": "number-user", "version": 1, "system_prompt": "s", "user_template": 3},
				  {"key": "also-good", "version": "2", "system_prompt": null, "user_template": "u"}]}
				"""));
		assertThat(parsed.value()).containsExactly(new PromptVersion("good", 1, "s", "u"),
				new PromptVersion("also-good", 2, "", "u"));
		assertThat(parsed.rejected()).extracting(SyncedResource.Rejected::index).containsExactly(1, 2, 3, 4, 5);
		assertThat(keys(parsed.rejected())).containsExactly("bad-version", "no-user", "number-user");
		assertThat(parsed.rejected()).extracting(SyncedResource.Rejected::reason)
			.containsExactly("a prompt is not a JSON object", "'key' is missing or blank",
					"'version' must be a whole number of 1 or more, was 0", "'user_template' is missing",
					"'user_template' is not a string");
	}

	@Test
	void takesAMissingVersionAsOne() {
		assertThat(PromptParser.parsePrompts(json("""
				{"prompts": [{"key": "a", "system_prompt": "s", "user_template": "u"}]}
				""")).value()).containsExactly(new PromptVersion("a", 1, "s", "u"));
	}

	@Test
	void readsAbTestsWithPinnedAndCurrentVariants() {
		SyncedResource.Parsed<List<PromptAbTest>> parsed = PromptParser.parseAbTests(json("""
				{"prompt_ab_tests": [{"key": "t", "version": 3, "variants": [
				  {"prompt_key": "a", "prompt_version": null, "weight": 40},
				  {"prompt_key": "b", "prompt_version": 1, "weight": "35.5"},
				  {"prompt_key": "b", "weight": 24.5}]}]}
				"""));
		assertThat(parsed.value()).containsExactly(new PromptAbTest("t", 3,
				List.of(PromptAbTest.Variant.current("a", 40), PromptAbTest.Variant.pinned("b", 1, 35.5),
						PromptAbTest.Variant.current("b", 24.5))));
	}

	@Test
	void readsAbTestVariantsGivenAsAnObjectInDocumentOrder() {
		SyncedResource.Parsed<List<PromptAbTest>> parsed = PromptParser.parseAbTests(json("""
				{"prompt_ab_tests": [{"key": "t", "variants": {
				  "control": {"prompt_key": "a", "weight": 50}, "treatment": {"prompt_key": "b", "weight": 50}}}]}
				"""));
		assertThat(parsed.value().get(0).variants()).extracting(PromptAbTest.Variant::promptKey)
			.containsExactly("a", "b");
	}

	@Test
	void skipsMalformedAbTestsAloneAndSaysWhy() {
		SyncedResource.Parsed<List<PromptAbTest>> parsed = PromptParser.parseAbTests(json("""
				{"prompt_ab_tests": [
				  {"key": "no-variants", "version": 1},
				  {"key": "empty", "version": 1, "variants": []},
				  {"key": "no-prompt", "version": 1, "variants": [{"weight": 100}]},
				  {"key": "nan-weight", "version": 1, "variants": [{"prompt_key": "a", "weight": "NaN"}]},
				  {"key": "negative", "version": 1, "variants": [{"prompt_key": "a", "weight": -1}]},
				  {"key": "bad-pin", "version": 1, "variants": [{"prompt_key": "a", "prompt_version": "x", "weight": 1}]},
				  {"key": "good", "version": 1, "variants": [{"prompt_key": "a", "weight": 100}]}]}
				"""));
		assertThat(parsed.value()).extracting(PromptAbTest::key).containsExactly("good");
		assertThat(keys(parsed.rejected())).containsExactly("no-variants", "empty", "no-prompt", "nan-weight",
				"negative", "bad-pin");
		assertThat(parsed.rejected().get(2).reason()).isEqualTo("variant 0 has no 'prompt_key'");
	}

	@Test
	void refusesABodyThatIsNotJsonOrHasNoList() {
		assertThatExceptionOfType(SyncedResource.MalformedResponseException.class)
			.isThrownBy(() -> PromptParser.parsePrompts(json("<html>")))
			.withMessageStartingWith("the body is not valid JSON");
		assertThatExceptionOfType(SyncedResource.MalformedResponseException.class)
			.isThrownBy(() -> PromptParser.parsePrompts(json("[]")))
			.withMessage("the body is not a JSON object");
		assertThatExceptionOfType(SyncedResource.MalformedResponseException.class)
			.isThrownBy(() -> PromptParser.parsePrompts(json("{\"prompts\": {}}")))
			.withMessage("the body has no 'prompts' array");
		assertThatExceptionOfType(SyncedResource.MalformedResponseException.class)
			.isThrownBy(() -> PromptParser.parseAbTests(json("{\"prompts\": []}")))
			.withMessage("the body has no 'prompt_ab_tests' array");
	}

	@Test
	void writesWhatIsServedSoThatReadingItBackGivesTheSameState() {
		PromptRegistry registry = new PromptRegistry();
		registry.applyPrompts(List.of(new PromptVersion("a", 1, "s1 {{x}}", "u1"), new PromptVersion("a", 3, "s3", "u3"),
				new PromptVersion("b", 1, "", "ü \"q\"")), List.of());
		// The backend rolled "a" back to version 2: it is current, versions 1 and 3 stay pinnable.
		registry.applyPrompts(List.of(new PromptVersion("a", 2, "s2", "u2"), new PromptVersion("b", 1, "", "ü \"q\"")),
				List.of());
		registry.applyAbTests(List.of(new PromptAbTest("t", 2,
				List.of(PromptAbTest.Variant.pinned("a", 1, 0.07), PromptAbTest.Variant.current("b", 99.93)))),
				List.of());
		PromptSnapshot snapshot = registry.snapshot();

		PromptRegistry restored = new PromptRegistry();
		restored.applyPrompts(PromptParser.parsePrompts(PromptParser.writePrompts(snapshot)).value(), List.of());
		restored.applyAbTests(PromptParser.parseAbTests(PromptParser.writeAbTests(snapshot)).value(), List.of());

		assertThat(restored.currentPrompts()).isEqualTo(registry.currentPrompts());
		assertThat(restored.snapshot().prompt("a").version()).isEqualTo(2);
		assertThat(restored.snapshot().prompt("a", 1).definition()).isEqualTo(new PromptVersion("a", 1, "s1 {{x}}", "u1"));
		assertThat(restored.snapshot().prompt("a", 3)).isNotNull();
		assertThat(restored.abTests()).isEqualTo(registry.abTests());
	}

	private static List<String> keys(List<SyncedResource.Rejected> rejected) {
		return rejected.stream().map(SyncedResource.Rejected::key).filter(Objects::nonNull).toList();
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
