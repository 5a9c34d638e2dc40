package com.fallom.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shell commands the docs show ({@code src/test/resources/docs/commands.sh}, quoted by
 * region): the curl commands are run against the sample, started as its set-up command
 * starts it, and must get the answers printed under them; the build commands must name
 * modules, profiles, jars and tests of this build; the environment variables must bind
 * Fallom properties.
 */
public class DocumentedCommandsTests {

	public static final Path COMMANDS = Path.of("src", "test", "resources", "docs", "commands.sh");

	private static final Path ROOT = Path.of("..");

	private static final String SAMPLE_JAR = "sample-app/target/sample-app.jar";

	/** The arguments that keep a test's sample off the fixed ports the docs show. */
	public static final List<String> TEST_ARGUMENTS = List.of("--server.port=0", "--sample.mock-backend.port=0",
			"--spring.main.banner-mode=off");

	@Test
	void curlCommandsGetTheAnswersPrintedUnderThem() throws Exception {
		List<Command> commands = commands();
		List<String> sampleArguments = javaArguments(single(commands, "run-sample"));
		List<String> arguments = new ArrayList<>(sampleArguments);
		arguments.addAll(TEST_ARGUMENTS);
		List<String> problems = new ArrayList<>();
		int curls = 0;
		HttpClient http = HttpClient.newHttpClient();
		try (ConfigurableApplicationContext sample = SpringApplication.run(SampleApplication.class,
				arguments.toArray(String[]::new))) {
			String port = sample.getEnvironment().getProperty("local.server.port");
			// The answers show the default ports, 8080 and 8001; this sample runs on free ones
			String backend = URI.create(sample.getEnvironment().getRequiredProperty("fallom.base-url")).getPort() + "";
			UnaryOperator<String> defaultPorts = (body) -> body.replace(":" + backend + "\"", ":8001\"");
			for (Command command : commands) {
				if (!command.text().startsWith("curl ")) {
					continue;
				}
				curls++;
				HttpResponse<String> response = http.send(request(command.text(), port),
						HttpResponse.BodyHandlers.ofString());
				if (!command.text().contains(" -d ") && !command.text().contains(" -X ")) {
					// What the backend received arrives in the background: ask again, as a reader would
					AtomicReference<HttpResponse<String>> last = new AtomicReference<>(response);
					try {
						await().atMost(Duration.ofSeconds(10)).until(() -> {
							last.set(http.send(request(command.text(), port), HttpResponse.BodyHandlers.ofString()));
							return command.output().isEmpty()
									|| matches(command.output(), defaultPorts.apply(last.get().body()));
						});
					}
					catch (ConditionTimeoutException ex) {
						// reported below, with the last answer
					}
					response = last.get();
				}
				if (response.statusCode() / 100 != 2) {
					problems.add(command.text() + "\n  answered " + response.statusCode() + ": " + response.body());
				}
				else if (!command.output().isEmpty()
						&& !matches(command.output(), defaultPorts.apply(response.body()))) {
					problems.add(command.text() + "\n  prints:   " + command.output() + "\n  answered: "
							+ defaultPorts.apply(response.body()));
				}
			}
		}
		assertThat(problems).as("curl commands of %s whose answer is not the one printed", COMMANDS).isEmpty();
		assertThat(curls).isGreaterThanOrEqualTo(5);
	}

	@Test
	void buildCommandsNameModulesProfilesJarsAndTestsOfThisBuild() throws IOException {
		List<String> problems = new ArrayList<>();
		String poms = poms();
		for (Command command : commands()) {
			for (String part : command.text().split(" && ")) {
				List<String> words = words(withoutVariables(part));
				if (words.isEmpty()) {
					continue;
				}
				if (words.get(0).equals("mvn")) {
					for (int i = 1; i < words.size(); i++) {
						String word = words.get(i);
						if (word.equals("-pl")) {
							for (String module : words.get(++i).split(",")) {
								if (!Files.isRegularFile(ROOT.resolve(module.replace("!", "")).resolve("pom.xml"))) {
									problems.add(part + ": no module " + module);
								}
							}
						}
						else if (word.startsWith("-P") && !poms.contains("<id>" + word.substring(2) + "</id>")) {
							problems.add(part + ": no profile " + word.substring(2));
						}
						else if (word.startsWith("-Dtest=") && !testClassExists(word.substring(7))) {
							problems.add(part + ": no test class " + word.substring(7));
						}
					}
				}
				else if (words.get(0).equals("java")) {
					String jar = words.get(words.indexOf(words.contains("-jar") ? "-jar" : "-cp") + 1);
					if (!jar.equals(SAMPLE_JAR) && !jar.equals("benchmarks/target/benchmarks.jar")) {
						problems.add(part + ": not a jar this build makes: " + jar);
					}
					String module = jar.substring(0, jar.indexOf('/'));
					String finalName = jar.substring(jar.lastIndexOf('/') + 1, jar.length() - ".jar".length());
					if (!Files.readString(ROOT.resolve(module).resolve("pom.xml"))
						.contains("<finalName>" + finalName + "</finalName>")) {
						problems.add(part + ": " + module + "/pom.xml does not name its jar " + finalName);
					}
					for (String word : words) {
						if (word.startsWith("--spring.profiles.active=") && !Files.isRegularFile(ROOT.resolve(module)
							.resolve("src/main/resources/application-" + word.substring(25) + ".yml"))) {
							problems.add(part + ": no profile file for " + word);
						}
						if (word.startsWith("com.fallom.") && !Files.isRegularFile(ROOT.resolve(module)
							.resolve("src/main/java/" + word.replace('.', '/') + ".java"))) {
							problems.add(part + ": no class " + word + " in " + module);
						}
					}
				}
				else if (words.get(0).startsWith(".ci/") && !Files.isExecutable(ROOT.resolve(words.get(0)))) {
					problems.add(part + ": no script " + words.get(0));
				}
			}
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void fallomEnvironmentVariablesBindFallomProperties() throws IOException {
		Set<String> properties = DocsTests.propertiesTable()
			.lines()
			.map((row) -> row.split("`"))
			.filter((cells) -> cells.length > 1)
			.map((cells) -> cells[1])
			.collect(Collectors.toSet());
		Matcher variable = Pattern.compile("\\bFALLOM_([A-Z_]+)=").matcher(Files.readString(COMMANDS));
		int variables = 0;
		while (variable.find()) {
			variables++;
			assertThat(properties).as("the property FALLOM_%s binds", variable.group(1))
				.contains("fallom." + variable.group(1).toLowerCase(Locale.ROOT).replace('_', '-'));
		}
		assertThat(variables).isGreaterThanOrEqualTo(6);
	}

	/** A command of the file, its continuation lines joined, and the comment lines under it. */
	public record Command(String region, String text, String output) {
	}

	public static List<Command> commands() throws IOException {
		List<Command> commands = new ArrayList<>();
		String region = null;
		List<String> lines = Files.readAllLines(COMMANDS);
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			Matcher tag = Pattern.compile("^# tag::(\\S+)\\[\\]$").matcher(line);
			if (tag.matches()) {
				region = tag.group(1);
				continue;
			}
			if (line.startsWith("# end::")) {
				region = null;
				continue;
			}
			if (region == null || line.isBlank() || line.startsWith("#")) {
				continue;
			}
			StringBuilder text = new StringBuilder(line.strip());
			while (text.charAt(text.length() - 1) == '\\') {
				text.setLength(text.length() - 1);
				text.append(lines.get(++i).strip());
			}
			StringBuilder output = new StringBuilder();
			while (i + 1 < lines.size() && lines.get(i + 1).startsWith("# ") && !lines.get(i + 1).contains("::")) {
				output.append(lines.get(++i).substring(1).strip());
			}
			commands.add(new Command(region, withoutComment(text.toString()), output.toString()));
		}
		return commands;
	}

	public static Command single(List<Command> commands, String region) {
		List<Command> inRegion = commands.stream().filter((command) -> command.region().equals(region)).toList();
		assertThat(inRegion).as("commands of region %s", region).hasSize(1);
		return inRegion.get(0);
	}

	/** The arguments after {@code java -jar sample-app/target/sample-app.jar} in a command. */
	public static List<String> javaArguments(Command command) {
		String text = command.text();
		String java = text.substring(text.indexOf("java -jar "));
		List<String> words = words(java);
		assertThat(words.subList(0, 3)).containsExactly("java", "-jar", SAMPLE_JAR);
		return words.subList(3, words.size());
	}

	/** "..." in what a page prints stands for text left out. */
	static boolean matches(String printed, String actual) {
		String[] parts = printed.split(Pattern.quote("..."), -1);
		if (parts.length == 1) {
			return actual.equals(printed);
		}
		if (!actual.startsWith(parts[0]) || !actual.endsWith(parts[parts.length - 1])) {
			return false;
		}
		int from = parts[0].length();
		for (int i = 1; i < parts.length - 1; i++) {
			int at = actual.indexOf(parts[i], from);
			if (at < 0) {
				return false;
			}
			from = at + parts[i].length();
		}
		return from <= actual.length() - parts[parts.length - 1].length();
	}

	private static HttpRequest request(String curl, String port) {
		List<String> words = words(curl);
		HttpRequest.Builder request = HttpRequest.newBuilder();
		String body = null;
		String method = null;
		for (int i = 1; i < words.size(); i++) {
			String word = words.get(i);
			switch (word) {
				case "-s" -> {
				}
				case "-H" -> {
					String[] header = words.get(++i).split(": ", 2);
					request.header(header[0], header[1]);
				}
				case "-d" -> body = words.get(++i);
				case "-X" -> method = words.get(++i);
				default -> {
					assertThat(word).as("curl argument").startsWith("localhost:8080/");
					request.uri(URI.create("http://localhost:" + port + word.substring("localhost:8080".length())));
				}
			}
		}
		method = (method != null) ? method : (body != null) ? "POST" : "GET";
		return request.method(method, (body != null)
				? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

	/** Shell words: split on blanks outside single quotes, quotes removed. */
	static List<String> words(String command) {
		List<String> words = new ArrayList<>();
		StringBuilder word = null;
		boolean quoted = false;
		for (char c : command.toCharArray()) {
			if (c == '\'') {
				quoted = !quoted;
				word = (word != null) ? word : new StringBuilder();
			}
			else if (Character.isWhitespace(c) && !quoted) {
				if (word != null) {
					words.add(word.toString());
					word = null;
				}
			}
			else {
				word = (word != null) ? word : new StringBuilder();
				word.append(c);
			}
		}
		if (word != null) {
			words.add(word.toString());
		}
		return words;
	}

	// A trailing "  # comment" outside quotes
	private static String withoutComment(String command) {
		boolean quoted = false;
		for (int i = 0; i < command.length(); i++) {
			char c = command.charAt(i);
			quoted ^= (c == '\'');
			if (c == '#' && !quoted && i > 0 && Character.isWhitespace(command.charAt(i - 1))) {
				return command.substring(0, i).strip();
			}
		}
		return command;
	}

	private static String withoutVariables(String part) {
		return Arrays.stream(part.strip().split(" ")).dropWhile((word) -> word.matches("[A-Z_]+=\\S*"))
			.collect(Collectors.joining(" "));
	}

	private static String poms() throws IOException {
		try (Stream<Path> modules = Files.list(ROOT)) {
			StringBuilder poms = new StringBuilder(Files.readString(ROOT.resolve("pom.xml")));
			for (Path pom : modules.map((module) -> module.resolve("pom.xml")).filter(Files::isRegularFile).toList()) {
				poms.append(Files.readString(pom));
			}
			return poms.toString();
		}
	}

	private static boolean testClassExists(String name) throws IOException {
		try (Stream<Path> sources = Files.walk(Path.of("src", "test", "java"))) {
			return sources.anyMatch((path) -> path.getFileName().toString().equals(name + ".java"));
		}
	}

}
