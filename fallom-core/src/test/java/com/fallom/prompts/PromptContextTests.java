package com.fallom.prompts;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PromptContext}.
 */
class PromptContextTests {

	@Test
	void attributesOfAPlainPromptNameKeyAndVersionOnly() {
		assertThat(new PromptContext("p", 3, null, null).attributes())
			.containsExactly(Map.entry("fallom.prompt_key", "p"), Map.entry("fallom.prompt_version", 3));
	}

	@Test
	void readsBackWhatItWrites() {
		PromptContext plain = new PromptContext("p", 3, null, null);
		PromptContext tested = new PromptContext("p", 1, "t", 2);
		assertThat(PromptContext.fromAttributes(plain.attributes())).isEqualTo(plain);
		assertThat(PromptContext.fromAttributes(tested.attributes())).isEqualTo(tested);
	}

	@Test
	void readsAttributesAmongOthersWithAnyNumberType() {
		Map<String, Object> attributes = new HashMap<>();
		attributes.put("messageType", "USER");
		attributes.put("fallom.prompt_key", "p");
		attributes.put("fallom.prompt_version", 2L);
		attributes.put("fallom.prompt_ab_test", "t");
		attributes.put("fallom.prompt_variant", 1L);
		assertThat(PromptContext.fromAttributes(attributes)).isEqualTo(new PromptContext("p", 2, "t", 1));
	}

	@Test
	void readsNothingFromAttributesWithoutAValidPrompt() {
		assertThat(PromptContext.fromAttributes(Map.of())).isNull();
		assertThat(PromptContext.fromAttributes(Map.of("fallom.prompt_key", "p"))).isNull();
		assertThat(PromptContext.fromAttributes(Map.of("fallom.prompt_key", "p", "fallom.prompt_version", 0))).isNull();
		assertThat(PromptContext.fromAttributes(Map.of("fallom.prompt_key", 1, "fallom.prompt_version", 1))).isNull();
	}

	@Test
	void abTestKeyAndVariantGoTogether() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PromptContext("p", 1, "t", null));
		assertThatIllegalArgumentException().isThrownBy(() -> new PromptContext("p", 1, null, 0));
	}

}
