package com.fallom.sample.demo;

import com.fallom.sample.SampleApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's {@code main} in demo mode, as the README tells a newcomer to.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoModeTests {

	@Test
	void demoDrivesSessionsThroughChatLogsTheSplitAndStops(CapturedOutput output) {
		SampleApplication.main(new String[] { "--server.port=0", "--sample.mock-backend.port=0",
				"--sample.demo.sessions=40", "--spring.main.banner-mode=off" });

		assertThat(output).contains("Demo: 40 sessions x 2 calls through POST /chat, config 'support-assistant'")
			.containsPattern("model +\\| sessions \\| share \\| calls \\| traced calls received \\| session records received")
			.containsPattern(row("claude-3-5-sonnet"))
			.containsPattern(row("gpt-4o"))
			.contains("Sticky: 40 of 40 sessions got the same model on every call (all sticky)")
			.contains("System prompt from prompt A/B test 'support-system-prompt'")
			.containsPattern("prompt +\\| sessions \\| share \\| calls \\| traced calls received\\R")
			.containsPattern(promptRow("support-concise v1"))
			.containsPattern(promptRow("support-friendly v1"))
			.contains("Sticky: 40 of 40 sessions got the same prompt on every call (all sticky)")
			.contains("Graceful shutdown complete");
	}

	/**
	 * A prompt table row in which every call was traced: prompt, sessions (n), share,
	 * calls (2n), traced calls (2n).
	 */
	private static String promptRow(String prompt) {
		return prompt + " +\\| +(\\d+) \\| +\\d+\\.\\d% \\| +(\\d+) \\| +\\2\\R";
	}

	/**
	 * A table row in which every call was traced and every session recorded: model,
	 * sessions (n), share, calls (2n), traced calls (2n), session records (n).
	 */
	private static String row(String model) {
		return model + " +\\| +(\\d+) \\| +\\d+\\.\\d% \\| +(\\d+) \\| +\\2 \\| +\\1\\R";
	}

}
