package com.fallom.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LogText}.
 */
class LogTextTests {

	@Test
	void cleanShortTextIsKeptAsItIs() {
		String text = "support-v2 (ümlaut, 日本)";
		assertThat(LogText.of(text)).isSameAs(text);
		assertThat(LogText.of(null)).isEqualTo("null");
	}

	@Test
	void controlCharactersAreEscapedSoTheTextStaysOnOneLine() {
		assertThat(LogText.of("evil\n[FAKE] ERROR\r\t\u001b[31m\u0000\u007f\u0085\u2028"))
			.isEqualTo("evil\\n[FAKE] ERROR\\r\\t\\u001b[31m\\u0000\\u007f\\u0085\\u2028")
			.doesNotContain("\n", "\r", "\u001b");
	}

	@Test
	void longTextIsCutWithTheNumberOfCharactersLeftOut() {
		assertThat(LogText.of("k".repeat(10_000))).isEqualTo("k".repeat(200) + "...(9800 more chars)");
	}

	@Test
	void aCutNeverSplitsASurrogatePair() {
		String text = "k".repeat(199) + "\uD83D\uDE00" + "tail";
		assertThat(LogText.of(text)).isEqualTo("k".repeat(199) + "...(6 more chars)");
	}

}
