package com.fallom.prompts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fallom.prompts.internal.PromptParser;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.sync.SyncedResource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of {@code targeting-prompt-vectors.json}, computed by running the Python SDK
 * 0.2.7's own {@code prompts.get} and {@code prompts.get_ab}, run through the public API
 * against the prompts and tests of the same file, read by the backend body parser.
 */
class PromptVectorsTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNode vectors = readVectors();

	private static FallomPrompts prompts;

	@BeforeAll
	static void loadPromptsAndTestsAsTheBackendSendsThem() {
		ObjectNode promptsBody = mapper.createObjectNode();
		promptsBody.set("prompts", vectors.get("prompts"));
		ObjectNode testsBody = mapper.createObjectNode();
		testsBody.set("prompt_ab_tests", vectors.get("prompt_ab_tests"));
		SyncedResource.Parsed<List<PromptVersion>> parsedPrompts = PromptParser
			.parsePrompts(mapper.writeValueAsBytes(promptsBody));
		SyncedResource.Parsed<List<PromptAbTest>> parsedTests = PromptParser
			.parseAbTests(mapper.writeValueAsBytes(testsBody));
		assertThat(parsedPrompts.rejected()).isEmpty();
		assertThat(parsedTests.rejected()).isEmpty();
		PromptRegistry registry = new PromptRegistry();
		registry.applyPrompts(parsedPrompts.value(), List.of());
		registry.applyAbTests(parsedTests.value(), List.of());
		prompts = new FallomPrompts(registry);
	}

	@Test
	void vectorFileHoldsTheAdvertisedCases() {
		assertThat(vectors.get("template_cases")).hasSize(42);
		assertThat(vectors.get("prompt_ab_cases")).hasSize(300);
	}

	@ParameterizedTest(name = "[{index}] {0} v{1}")
	@MethodSource("templateCases")
	void rendersTemplatesAsThePythonSdk(String promptKey, int version, @Nullable Map<String, Object> variables,
			String expectedSystem, String expectedUser) {
		FallomPrompt prompt = prompts.get(promptKey, variables, version);
		assertThat(prompt.key()).isEqualTo(promptKey);
		assertThat(prompt.version()).isEqualTo(version);
		assertThat(prompt.system()).isEqualTo(expectedSystem);
		assertThat(prompt.user()).isEqualTo(expectedUser);
		assertThat(prompt.abTestKey()).isNull();
		assertThat(prompt.variantIndex()).isNull();
		if (isCurrentVersion(promptKey, version)) {
			assertThat(prompts.get(promptKey, variables)).isEqualTo(prompt);
		}
	}

	@ParameterizedTest(name = "[{index}] {0} {1}")
	@MethodSource("abCases")
	void assignsPromptAbVariantsAsThePythonSdk(String abTestKey, String sessionId, Map<String, Object> variables,
			String expectedKey, int expectedVersion, int expectedVariant, String expectedSystem, String expectedUser) {
		FallomPrompt prompt = prompts.getAb(abTestKey, sessionId, variables);
		assertThat(prompt).isEqualTo(
				new FallomPrompt(expectedKey, expectedVersion, expectedSystem, expectedUser, abTestKey, expectedVariant));
		assertThat(prompts.getAb(abTestKey, sessionId, variables)).as("sticky").isEqualTo(prompt);
	}

	static Stream<Arguments> templateCases() {
		return stream(vectors.get("template_cases")).map((c) -> Arguments.of(c.get("prompt_key").asString(),
				c.get("version").asInt(), variables(c.get("variables")), c.get("expected_system").asString(),
				c.get("expected_user").asString()));
	}

	static Stream<Arguments> abCases() {
		return stream(vectors.get("prompt_ab_cases")).map((c) -> Arguments.of(c.get("ab_test_key").asString(),
				c.get("session_id").asString(), variables(c.get("variables")), c.get("expected_prompt_key").asString(),
				c.get("expected_prompt_version").asInt(), c.get("expected_variant_index").asInt(),
				c.get("expected_system").asString(), c.get("expected_user").asString()));
	}

	private static boolean isCurrentVersion(String promptKey, int version) {
		int current = 0;
		for (JsonNode prompt : vectors.get("prompts")) {
			if (prompt.get("key").asString().equals(promptKey)) {
				current = prompt.get("version").asInt();
			}
		}
		return current == version;
	}

	private static @Nullable Map<String, Object> variables(@Nullable JsonNode node) {
		if (node == null) {
			return null;
		}
		Map<String, Object> variables = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			variables.put(entry.getKey(), entry.getValue().asString());
		}
		return variables;
	}

	private static Stream<JsonNode> stream(JsonNode array) {
		Stream.Builder<JsonNode> builder = Stream.builder();
		array.forEach(builder::add);
		return builder.build();
	}

	private static JsonNode readVectors() {
		try (InputStream in = PromptVectorsTests.class.getResourceAsStream("/targeting-prompt-vectors.json")) {
			if (in == null) {
				throw new IllegalStateException("targeting-prompt-vectors.json is not on the test classpath");
			}
			return mapper.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
