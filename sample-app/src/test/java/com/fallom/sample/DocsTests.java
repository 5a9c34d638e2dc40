package com.fallom.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README and every page of the reference guide ({@code docs/*.md}, pages added
 * later included) honest.
 * <ul>
 * <li>Every code block in a language that runs or configures ({@link #CHECKED_LANGUAGES})
 * is real: the line before it is {@code <!-- snippet: path#tag -->}, and the block equals the
 * lines between {@code tag::tag[]} and {@code end::tag[]} of that file (dedented, tabs as four
 * spaces), or {@code <!-- output: path -->}, and the block equals that file, which a test
 * compares with what the code really prints.</li>
 * <li>Every relative link leads to a file, and its {@code #anchor} to a heading there.</li>
 * <li>Every page of the guide is listed in its index, docs/README.md.</li>
 * <li>The property table of docs/configuration.md is the one the configuration metadata
 * gives.</li>
 * <li>Every Fallom dependency shown names a module of this build, at its version.</li>
 * </ul>
 */
class DocsTests {

	private static final Path ROOT = Path.of("..");

	/** Languages whose blocks must be snippets of real code or tested output. */
	private static final Set<String> CHECKED_LANGUAGES = Set.of("java", "yaml", "yml", "properties", "json", "bash",
			"sh", "shell", "console");

	/**
	 * Pages other work writes and links point to before they land. A page in this list is
	 * checked like any other as soon as it exists; delete the entry then.
	 */
	private static final Pattern FENCE = Pattern.compile("^```(.*)$");

	private static final Pattern MARKER = Pattern.compile("^<!-- (snippet|output): (\\S+?)(?:#(\\S+))? -->$");

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

	private static final Pattern DEPENDENCY = Pattern.compile(
			"<groupId>com\\.fallom</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*(?:<version>([^<]+)</version>)?");

	static final Path PROPERTIES_PAGE = Path.of("docs", "configuration.md");

	private static final String TABLE_START = "<!-- fallom-properties:start -->";

	private static final String TABLE_END = "<!-- fallom-properties:end -->";

	@Test
	void everyCodeBlockIsASnippetOfRealCodeOrAnOutputATestProduces() throws IOException {
		List<String> problems = new ArrayList<>();
		int checked = 0;
		for (Path page : pages()) {
			for (Block block : blocks(page)) {
				String where = ROOT.relativize(page) + ":" + block.line();
				if (block.language().isEmpty()) {
					problems.add(where + ": a code block without a language (use text for diagrams and illustrations)");
					continue;
				}
				Matcher marker = (block.marker() != null) ? MARKER.matcher(block.marker()) : null;
				if (marker == null || !marker.matches()) {
					if (CHECKED_LANGUAGES.contains(block.language())) {
						problems.add(where + ": a " + block.language()
								+ " block that is neither <!-- snippet: path#tag --> nor <!-- output: path -->");
					}
					continue;
				}
				checked++;
				Path source = ROOT.resolve(marker.group(2));
				if (!Files.isRegularFile(source)) {
					problems.add(where + ": " + marker.group(2) + " does not exist");
					continue;
				}
				String expected;
				if ("snippet".equals(marker.group(1))) {
					if (marker.group(3) == null) {
						problems.add(where + ": a snippet names its region: <!-- snippet: path#tag -->");
						continue;
					}
					expected = region(source, marker.group(3));
					if (expected == null) {
						problems.add(where + ": no tag::" + marker.group(3) + "[] ... end::" + marker.group(3)
								+ "[] in " + marker.group(2));
						continue;
					}
				}
				else {
					expected = Files.readString(source).replace("\r\n", "\n").stripTrailing();
					String name = source.getFileName().toString();
					if (!testSourcesMention(name)) {
						problems.add(where + ": no test under src/test/java reads " + name
								+ ", so nothing checks that the output is real");
					}
				}
				if (!block.text().equals(expected)) {
					problems.add(where + ": the block differs from " + marker.group(2)
							+ ((marker.group(3) != null) ? "#" + marker.group(3) : "") + "; it should be:\n" + expected);
				}
			}
		}
		assertThat(problems).as("code blocks of the docs").isEmpty();
		assertThat(checked).isGreaterThan(50);
	}

	@Test
	void everyRelativeLinkLeadsToAFileAndItsAnchorToAHeading() throws IOException {
		List<String> problems = new ArrayList<>();
		Map<Path, Set<String>> anchors = new HashMap<>();
		for (Path page : pages()) {
			List<String> lines = lines(page);
			boolean fenced = false;
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i);
				if (line.startsWith("```")) {
					fenced = !fenced;
				}
				if (fenced) {
					continue;
				}
				Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
				while (link.find()) {
					String target = link.group(1);
					if (target.matches("^[a-z]+:.*")) {
						continue; // https:, mailto: ...
					}
					String where = ROOT.relativize(page) + ":" + (i + 1) + ": " + target;
					int hash = target.indexOf('#');
					String file = (hash >= 0) ? target.substring(0, hash) : target;
					Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
					if (!Files.exists(resolved)) {
						problems.add(where + ": no such file");
						continue;
					}
					if (hash >= 0) {
						Set<String> known = anchors.computeIfAbsent(resolved, DocsTests::anchors);
						if (!known.contains(target.substring(hash + 1))) {
							problems.add(where + ": no heading with this anchor in " + ROOT.relativize(resolved));
						}
					}
				}
			}
		}
		assertThat(problems).as("links of the docs").isEmpty();
	}

	@Test
	void everyPageOfTheGuideIsListedInItsIndex() throws IOException {
		String index = Files.readString(ROOT.resolve("docs/README.md"));
		List<String> unlisted = new ArrayList<>();
		for (Path page : pages()) {
			String name = page.getFileName().toString();
			if (page.getParent().getFileName().toString().equals("docs") && !name.equals("README.md")
					&& !index.contains("](" + name + ")")) {
				unlisted.add("docs/" + name);
			}
		}
		assertThat(unlisted).as("pages that docs/README.md, the guide's index, does not link to").isEmpty();
	}

	@Test
	void everyFallomDependencyShownIsAModuleOfThisBuildAtItsVersion() throws IOException {
		String version = projectVersion();
		List<String> problems = new ArrayList<>();
		int dependencies = 0;
		for (Path page : pages()) {
			Matcher dependency = DEPENDENCY.matcher(Files.readString(page));
			while (dependency.find()) {
				dependencies++;
				String artifact = dependency.group(1);
				if (!Files.isRegularFile(ROOT.resolve(artifact).resolve("pom.xml"))) {
					problems.add(ROOT.relativize(page) + ": com.fallom:" + artifact + " is not a module of this build");
				}
				if (dependency.group(2) != null && !dependency.group(2).equals(version)) {
					problems.add(ROOT.relativize(page) + ": com.fallom:" + artifact + ":" + dependency.group(2)
							+ " is not the build's version " + version);
				}
			}
		}
		assertThat(problems).isEmpty();
		assertThat(dependencies).isPositive();
	}

	/**
	 * The table between the markers of docs/configuration.md is generated from the metadata
	 * that the configuration processor writes into the jars; a stale table fails this test,
	 * which writes the fresh one beside it.
	 */
	@Test
	void configurationTableListsEveryFallomPropertyWithItsDefault() throws IOException {
		Path page = ROOT.resolve(PROPERTIES_PAGE);
		String text = Files.readString(page).replace("\r\n", "\n");
		String expected = propertiesTable();
		int start = text.indexOf(TABLE_START);
		int end = text.indexOf(TABLE_END);
		assertThat(start).as("marker " + TABLE_START + " in " + PROPERTIES_PAGE).isNotNegative();
		assertThat(end).as("marker " + TABLE_END + " in " + PROPERTIES_PAGE).isGreaterThan(start);
		String fresh = text.substring(0, start + TABLE_START.length()) + "\n" + expected + text.substring(end);
		Path generated = Path.of("target", "docs", "configuration.md").toAbsolutePath();
		Files.createDirectories(generated.getParent());
		Files.writeString(generated, fresh);
		assertThat(text).as("""
				The property table of %s is stale (a property was added, removed, or its default or \
				javadoc changed). The page with the fresh table is %s: copy it over the page \
				(cp %s %s) after a build of the modules whose properties changed (mvn -B -q install \
				-DskipTests -pl sample-app -am)""".formatted(PROPERTIES_PAGE, generated, generated,
				ROOT.resolve(PROPERTIES_PAGE).toAbsolutePath().normalize()))
			.isEqualTo(fresh);
	}

	/** README.md and every page of the guide. */
	static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>();
		pages.add(ROOT.resolve("README.md"));
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	record Block(int line, String language, String marker, String text) {
	}

	/** The fenced blocks of a page, each with the line before it. */
	static List<Block> blocks(Path page) throws IOException {
		List<String> lines = lines(page);
		List<Block> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			Matcher fence = FENCE.matcher(lines.get(i));
			if (!fence.matches()) {
				continue;
			}
			int start = i;
			StringBuilder text = new StringBuilder();
			for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
				text.append(lines.get(i)).append('\n');
			}
			String marker = (start > 0 && lines.get(start - 1).startsWith("<!--")) ? lines.get(start - 1) : null;
			blocks.add(new Block(start + 1, fence.group(1).strip().toLowerCase(Locale.ROOT), marker,
					text.toString().stripTrailing()));
		}
		return blocks;
	}

	private static List<String> lines(Path page) throws IOException {
		return List.of(Files.readString(page).replace("\r\n", "\n").split("\n", -1));
	}

	/**
	 * The lines between {@code tag::name[]} and {@code end::name[]}, without other tags,
	 * dedented, with tabs as four spaces; {@code null} without the tag.
	 */
	static String region(Path file, String tag) throws IOException {
		List<String> region = new ArrayList<>();
		boolean inside = false;
		boolean found = false;
		for (String line : Files.readAllLines(file)) {
			if (line.contains("tag::" + tag + "[]") && !line.contains("end::")) {
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
		if (!found) {
			return null;
		}
		int indent = region.stream().filter((line) -> !line.isBlank()).mapToInt(DocsTests::indent).min().orElse(0);
		List<String> dedented = new ArrayList<>();
		for (String line : region) {
			String rest = line.isBlank() ? "" : line.substring(indent);
			int tabs = 0;
			while (tabs < rest.length() && rest.charAt(tabs) == '\t') {
				tabs++;
			}
			dedented.add("    ".repeat(tabs) + rest.substring(tabs));
		}
		return String.join("\n", dedented).stripTrailing();
	}

	// Leading tabs, or leading spaces in files indented with spaces (YAML, shell)
	private static int indent(String line) {
		int indent = 0;
		char first = line.charAt(0);
		while (indent < line.length() && line.charAt(indent) == first && (first == '\t' || first == ' ')) {
			indent++;
		}
		return indent;
	}

	/** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as dashes. */
	static Set<String> anchors(Path page) {
		try {
			Set<String> anchors = new LinkedHashSet<>();
			Map<String, Integer> seen = new HashMap<>();
			boolean fenced = false;
			for (String line : lines(page)) {
				if (line.startsWith("```")) {
					fenced = !fenced;
				}
				Matcher heading = HEADING.matcher(line);
				if (!fenced && heading.matches()) {
					String anchor = heading.group(1)
						.strip()
						.toLowerCase(Locale.ROOT)
						.replaceAll("[^\\p{L}\\p{N} _-]", "")
						.replace(' ', '-');
					int count = seen.merge(anchor, 1, Integer::sum);
					anchors.add((count == 1) ? anchor : anchor + "-" + (count - 1));
				}
			}
			return anchors;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean testSourcesMention(String name) throws IOException {
		try (Stream<Path> modules = Files.list(ROOT)) {
			for (Path module : modules.filter((path) -> Files.isDirectory(path.resolve("src/test/java"))).toList()) {
				try (Stream<Path> sources = Files.walk(module.resolve("src/test/java"))) {
					if (sources.filter((path) -> path.toString().endsWith(".java")).anyMatch((path) -> {
						try {
							return Files.readString(path).contains(name);
						}
						catch (IOException ex) {
							throw new UncheckedIOException(ex);
						}
					})) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static String projectVersion() throws IOException {
		Matcher version = Pattern.compile("<artifactId>fallom-spring-boot-parent</artifactId>\\s*<version>([^<]+)</version>")
			.matcher(Files.readString(ROOT.resolve("pom.xml")));
		assertThat(version.find()).as("the build's version in pom.xml").isTrue();
		return version.group(1);
	}

	/**
	 * The Markdown table of every {@code fallom.*} property, from the metadata that the
	 * configuration processor wrote into the jars on the class path.
	 */
	static String propertiesTable() throws IOException {
		Map<String, JsonNode> properties = new TreeMap<>();
		for (URL url : Collections.list(
				DocsTests.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
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
			String description = property.path("description")
				.asString("")
				.replaceAll("\\s+", " ")
				.replace("|", "\\|");
			table.append("| `")
				.append(name)
				.append("` | ")
				.append(shown)
				.append(" | ")
				.append(description)
				.append(" |\n");
		});
		return table.toString();
	}

}
