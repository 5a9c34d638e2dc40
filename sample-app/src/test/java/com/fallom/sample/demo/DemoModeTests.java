package com.fallom.sample.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fallom.sample.DocumentedCommandsTests;
import com.fallom.sample.SampleApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample's {@code main} in demo mode with the arguments of the demo command that
 * docs/sample-app.md shows, and checks that it prints the table the page shows
 * ({@code src/test/resources/docs/demo-output.txt}): the split is decided by the
 * hash of each session id, so the table is the same on every run.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoModeTests {

	private static final Path DEMO_OUTPUT = Path.of("src", "test", "resources", "docs", "demo-output.txt");

	@Test
	void demoCommandOfTheDocsDrivesSessionsThroughChatPrintsTheTableShownAndStops(CapturedOutput output)
			throws IOException {
		List<String> arguments = new ArrayList<>(DocumentedCommandsTests
			.javaArguments(DocumentedCommandsTests.single(DocumentedCommandsTests.commands(), "demo")));
		assertThat(arguments).anyMatch((argument) -> argument.startsWith("--sample.demo.sessions="));
		arguments.addAll(DocumentedCommandsTests.TEST_ARGUMENTS);

		SampleApplication.main(arguments.toArray(String[]::new));

		String expected = Files.readString(DEMO_OUTPUT).replace("\r\n", "\n").strip();
		assertThat(output.getOut().replace("\r\n", "\n")).as("the demo's output; the guide shows " + DEMO_OUTPUT)
			.contains(expected)
			.contains("Graceful shutdown complete");
	}

}
