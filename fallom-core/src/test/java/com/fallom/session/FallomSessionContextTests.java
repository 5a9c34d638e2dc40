package com.fallom.session;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FallomSessionContext}.
 */
class FallomSessionContextTests {

	@Test
	void targetingContextIsCopiedAndUnmodifiable() {
		Map<String, String> fields = new HashMap<>(Map.of("plan", "pro"));
		FallomSessionContext session = new FallomSessionContext("k", "s").withTargetingContext(fields);
		fields.put("plan", "free");
		assertThat(session.targetingContext()).containsExactly(Map.entry("plan", "pro"));
		assertThat(new FallomSessionContext("k", "s").targetingContext()).isEmpty();
	}

	@Test
	void targetingContextWithANullValueOrBlankNameIsRejected() {
		FallomSessionContext session = new FallomSessionContext("k", "s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> session.withTargetingContext(Collections.singletonMap("plan", null)))
			.withMessage("Targeting context field 'plan' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> session.withTargetingContext(Map.of(" ", "x")))
			.withMessage("Targeting context names must not be null or blank");
	}

	@Test
	void withAssignmentKeepsWhatBelongsToTheSession() {
		FallomSessionContext session = new FallomSessionContext("k", "s", "c-1").withMetadata(Map.of("tier", 2))
			.withTags(List.of("beta"))
			.withTargetingContext(Map.of("plan", "pro"));
		FallomSessionContext assigned = session.withAssignment("other", 4, 1, "gpt-4o", "c-1");
		assertThat(assigned).isEqualTo(new FallomSessionContext("other", "s", 4, 1, "gpt-4o", "c-1",
				Map.of("tier", 2), List.of("beta"), Map.of("plan", "pro")));
	}

	@Test
	void toStringShowsNoValuesThatCanIdentifyAPerson() {
		String text = new FallomSessionContext("k", "session-secret", "customer-secret")
			.withTargetingContext(Map.of("email", "someone@example.com"))
			.toString();
		assertThat(text).contains("targetingContext=[email]")
			.doesNotContain("session-secret", "customer-secret", "someone@example.com");
	}

}
