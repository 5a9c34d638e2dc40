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
			.containsPattern("claude-3-5-sonnet \\| +\\d+ \\| +\\d+\\.\\d% \\|")
			.containsPattern("gpt-4o +\\| +\\d+ \\| +\\d+\\.\\d% \\|")
			.contains("Sticky: 40 of 40 sessions got the same model on every call (all sticky)")
			.contains("Graceful shutdown complete");
	}

}
