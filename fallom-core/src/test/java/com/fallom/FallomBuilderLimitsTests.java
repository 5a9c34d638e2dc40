package com.fallom;

import java.util.Map;

import com.fallom.models.SessionRecorder;
import com.fallom.tracing.internal.GenAiAttributes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The builder refuses sizes out of their bounds with a message naming the setting,
 * instead of failing later (an array of negative size) or taking the heap.
 */
class FallomBuilderLimitsTests {

	@Test
	void recentSessionsAbove2To30IsRefusedNamingTheSetting() {
		for (int tooMany : new int[] { (1 << 30) + 1, Integer.MAX_VALUE, SessionRecorder.MAX_RECENT_SESSIONS + 1 }) {
			assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).recentSessions(tooMany))
				.withMessage("'recentSessions' must be between 1 and 16777216 (8 bytes of heap each), was " + tooMany);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).recentSessions(0))
			.withMessageStartingWith("'recentSessions' must be between 1 and");
	}

	@Test
	void maxContentLengthDefaultsTo32KiCharactersAndIsBounded() {
		try (Fallom fallom = Fallom.builder(Map.of()).build()) {
			assertThat(fallom.getMaxContentLength()).isEqualTo(32_768);
		}
		try (Fallom fallom = Fallom.builder(Map.of()).maxContentLength(1000).build()) {
			assertThat(fallom.getMaxContentLength()).isEqualTo(1000);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> Fallom.builder(Map.of()).maxContentLength(0))
			.withMessage("'maxContentLength' must be between 1 and 1048576, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Fallom.builder(Map.of()).maxContentLength(GenAiAttributes.MAX_CONTENT_CHARS_PER_SPAN + 1))
			.withMessageStartingWith("'maxContentLength' must be between 1 and 1048576");
	}

}
