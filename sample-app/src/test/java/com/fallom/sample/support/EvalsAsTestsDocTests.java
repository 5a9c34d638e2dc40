package com.fallom.sample.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java blocks of docs/evals-as-tests.md are tagged regions of code that runs in the
 * build ({@code <!-- snippet: path#tag -->}), so the page cannot drift from the API.
 */
class EvalsAsTestsDocTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern SNIPPET = Pattern
		.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```(\\w+)\\R(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);

	@Test
	void everyJavaBlockIsATaggedRegionOfRealCode() throws IOException {
		String page = Files.readString(ROOT.resolve("docs/evals-as-tests.md")).replace("\r\n", "\n");
		Matcher matcher = SNIPPET.matcher(page);
		int snippets = 0;
		while (matcher.find()) {
			snippets++;
			assertThat(matcher.group(4).stripTrailing()).as("block of %s#%s", matcher.group(1), matcher.group(2))
				.isEqualTo(region(ROOT.resolve(matcher.group(1)), matcher.group(2)));
		}
		assertThat(snippets).isEqualTo(2);
		assertThat(Pattern.compile("^```java$", Pattern.MULTILINE).matcher(page).results().count()).isEqualTo(2);
	}

	// The lines between tag::name[] and end::name[], dedented, with tabs as four spaces
	private static String region(Path file, String tag) throws IOException {
		String source = Files.readString(file).replace("\r\n", "\n");
		int start = source.indexOf("// tag::" + tag + "[]\n");
		int end = source.indexOf("// end::" + tag + "[]");
		assertThat(start).as("tag %s in %s", tag, file).isNotNegative();
		String body = source.substring(start, end);
		body = body.substring(body.indexOf('\n') + 1);
		body = body.substring(0, body.lastIndexOf('\n'));
		String[] lines = body.split("\n", -1);
		int indent = Integer.MAX_VALUE;
		for (String line : lines) {
			if (!line.isBlank()) {
				indent = Math.min(indent, line.length() - line.stripLeading().length());
			}
		}
		StringBuilder out = new StringBuilder();
		for (String line : lines) {
			out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
		}
		return out.toString().replace("\t", "    ").stripTrailing();
	}

}
