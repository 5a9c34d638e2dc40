package com.fallom.models;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fallom.models.internal.ConfigParser;
import com.fallom.models.internal.SessionHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 666 cases of {@code assignment-vectors.json}, computed by running the Python SDK's
 * {@code models.get()}: every bucket and every model must match bit for bit.
 */
class AssignmentVectorsTests {

	private static final JsonNode vectors = load();

	private static JsonNode load() {
		try (InputStream in = AssignmentVectorsTests.class.getResourceAsStream("/assignment-vectors.json")) {
			return JsonMapper.builder().build().readTree(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static FallomModels modelsServingVectorConfigs() {
		byte[] latest = JsonMapper.builder().build().writeValueAsBytes(vectors);
		ConfigParser.ParsedConfigs parsed = ConfigParser.parseConfigs(latest, ConfigOrigin.FETCHED);
		assertThat(parsed.rejected()).isEmpty();
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(), null);
		registry.applyFetched(parsed.configs().stream()
			.collect(java.util.stream.Collectors.toMap(ModelConfig::getKey, (c) -> c)), java.time.Instant.now());
		for (JsonNode older : vectors.get("older_versions")) {
			registry.putPinnedVersion(ConfigParser.parseConfig(
					JsonMapper.builder().build().writeValueAsBytes(older), ConfigOrigin.FETCHED));
		}
		return new FallomModels(registry, null, null, List.of());
	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("cases")) {
			Integer version = c.hasNonNull("version") ? c.get("version").asInt() : null;
			cases.add(Arguments.of(c.get("config_key").asString(), c.get("session_id").asString(),
					c.get("bucket").asInt(), c.get("expected_model").asString(), version));
		}
		return cases.stream();
	}

	@Test
	void vectorFileHasAllCases() {
		assertThat(vectors.get("cases").size()).isEqualTo(666);
	}

	@ParameterizedTest(name = "{0} / {1}")
	@MethodSource("cases")
	void bucketMatchesPythonSdk(String configKey, String sessionId, int bucket, String expectedModel,
			Integer version) {
		assertThat(SessionHasher.bucketOf(sessionId)).isEqualTo(bucket);
	}

	@ParameterizedTest(name = "{0} / {1}")
	@MethodSource("cases")
	void modelMatchesPythonSdk(String configKey, String sessionId, int bucket, String expectedModel,
			Integer version) {
		FallomModels models = Holder.MODELS;
		ModelOptions options = (version != null) ? ModelOptions.version(version) : ModelOptions.latest();
		assertThat(models.get(configKey, sessionId, options)).isEqualTo(expectedModel);
		ModelAssignment assignment = models.assign(configKey, sessionId, options);
		assertThat(assignment.model()).isEqualTo(expectedModel);
		assertThat(assignment.isFallback()).isFalse();
	}

	private static final class Holder {

		static final FallomModels MODELS = modelsServingVectorConfigs();

	}

}
