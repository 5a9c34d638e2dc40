package com.fallom.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README honest: every Java code block is a tagged region of real, compiled
 * code, and the configuration table lists every {@code fallom.*} property with its
 * default, as the configuration processor describes them.
 */
class ReadmeTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern SNIPPET = Pattern
		.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```(\\w+)\\R(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);

	private static final Pattern CODE_BLOCK = Pattern.compile("^```java$", Pattern.MULTILINE);

	private static final String TABLE_START = "<!-- fallom-properties:start -->";

	private static final String TABLE_END = "<!-- fallom-properties:end -->";

	@Test
	void everyJavaBlockIsATaggedRegionOfRealCode() throws IOException {
		String readme = readme();
		Matcher matcher = SNIPPET.matcher(readme);
		int snippets = 0;
		int javaSnippets = 0;
		while (matcher.find()) {
			snippets++;
			javaSnippets += "java".equals(matcher.group(3)) ? 1 : 0;
			String expected = region(ROOT.resolve(matcher.group(1)), matcher.group(2));
			assertThat(matcher.group(4).stripTrailing()).as("README block of %s#%s", matcher.group(1), matcher.group(2))
				.isEqualTo(expected);
		}
		assertThat(snippets).isPositive();
		assertThat(javaSnippets).as("Java blocks that are not tagged regions of real code")
			.isEqualTo(count(CODE_BLOCK.matcher(readme)));
	}

	@Test
	void configurationTableListsEveryFallomPropertyWithItsDefault() throws IOException {
		String readme = readme();
		String expected = propertiesTable();
		Path generated = Path.of("target", "readme", "fallom-properties.md");
		Files.createDirectories(generated.getParent());
		Files.writeString(generated, expected);
		int start = readme.indexOf(TABLE_START);
		int end = readme.indexOf(TABLE_END);
		assertThat(start).as("README marker " + TABLE_START).isNotNegative();
		assertThat(readme.substring(start + TABLE_START.length(), end).strip())
			.as("README configuration table; the up-to-date one is in sample-app/" + generated)
			.isEqualTo(expected.strip());
	}

	private static String readme() throws IOException {
		return Files.readString(ROOT.resolve("README.md")).replace("\r\n", "\n");
	}

	/**
	 * The lines between {@code tag::name[]} and {@code end::name[]}, without other tags,
	 * dedented, with tabs as four spaces.
	 */
	static String region(Path file, String tag) throws IOException {
		List<String> lines = Files.readAllLines(file);
		List<String> region = new ArrayList<>();
		boolean inside = false;
		boolean found = false;
		for (String line : lines) {
			if (line.contains("tag::" + tag + "[]")) {
				inside = true;
				found = true;
			}
			else if (line.contains("end::" + tag + "[]")) {
				inside = false;
			}
			else if (inside && !line.contains("tag::") && !line.contains("end::")) {
				region.add(line);
			}
		}
		assertThat(found).as("tag %s in %s", tag, file).isTrue();
		int indent = region.stream()
			.filter((line) -> !line.isBlank())
			.mapToInt(ReadmeTests::leadingTabs)
			.min()
			.orElse(0);
		List<String> dedented = new ArrayList<>();
		for (String line : region) {
			String rest = line.isBlank() ? "" : line.substring(indent);
			int tabs = leadingTabs(rest);
			dedented.add("    ".repeat(tabs) + rest.substring(tabs));
		}
		return String.join("\n", dedented).stripTrailing();
	}

	private static int leadingTabs(String line) {
		int tabs = 0;
		while (tabs < line.length() && line.charAt(tabs) == '\t') {
			tabs++;
		}
		return tabs;
	}

	private static int count(Matcher matcher) {
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	/**
	 * The Markdown table of every {@code fallom.*} property, from the metadata that the
	 * configuration processor wrote into the autoconfigure jar.
	 */
	static String propertiesTable() throws IOException {
		Map<String, JsonNode> properties = new TreeMap<>();
		for (URL url : Collections.list(ReadmeTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : JsonMapper.shared().readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith("fallom.")) {
						properties.put(name, property);
					}
				}
			}
		}
		StringBuilder table = new StringBuilder("| Property | Default | Description |\n|---|---|---|\n");
		properties.forEach((name, property) -> {
			JsonNode defaultValue = property.get("defaultValue");
			String shown = (defaultValue == null || defaultValue.isNull()) ? ""
					: "`" + (defaultValue.isArray() ? defaultValue.toString() : defaultValue.asString()) + "`";
			String description = property.path("description").asString("").replaceAll("\\s+", " ").replace("|", "\\|");
			table.append("| `").append(name).append("` | ").append(shown).append(" | ").append(description).append(" |\n");
		});
		return table.toString();
	}

}
