package com.fallom.models;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fallom.models.internal.ConfigParser;
import com.fallom.session.FallomSessionHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 500 {@code targeting_cases} of {@code targeting-prompt-vectors.json}, computed by
 * running the Python SDK 0.2.7's {@code models.get} with a customer id and a context: the
 * same model must come out of the public API here, parsed from the same configs.
 */
class TargetingVectorsTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNode vectors = load();

	private static final FallomModels models = modelsServingVectorConfigs();

	private static JsonNode load() {
		try (InputStream in = TargetingVectorsTests.class.getResourceAsStream("/targeting-prompt-vectors.json")) {
			return mapper.readTree(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static FallomModels modelsServingVectorConfigs() {
		byte[] body = mapper.writeValueAsBytes(Map.of("configs", vectors.get("configs")));
		ConfigParser.ParsedConfigs parsed = ConfigParser.parseConfigs(body, ConfigOrigin.FETCHED);
		assertThat(parsed.rejected()).isEmpty();
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(), null);
		registry.applyFetched(parsed.configs().stream().collect(Collectors.toMap(ModelConfig::getKey, (c) -> c)),
				Instant.now());
		return new FallomModels(registry, null, null, List.of());
	}

	static Stream<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("targeting_cases")) {
			Map<String, String> context = null;
			if (c.hasNonNull("context")) {
				context = new LinkedHashMap<>();
				for (Map.Entry<String, JsonNode> entry : c.get("context").properties()) {
					context.put(entry.getKey(), entry.getValue().asString());
				}
			}
			String customerId = c.hasNonNull("customer_id") ? c.get("customer_id").asString() : null;
			cases.add(Arguments.of(c.get("config_key").asString(), c.get("session_id").asString(), customerId, context,
					c.get("expected_model").asString()));
		}
		return cases.stream();
	}

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	@Test
	void vectorFileHasAllCases() {
		assertThat(vectors.get("targeting_cases").size()).isEqualTo(500);
	}

	@ParameterizedTest(name = "{0} / {1} / customer {2}")
	@MethodSource("cases")
	void modelMatchesPythonSdk(String configKey, String sessionId, String customerId, Map<String, String> context,
			String expectedModel) {
		ModelOptions options = ModelOptions.customerId(customerId);
		if (context != null) {
			options = options.withContext(context);
		}
		assertThat(models.get(configKey, sessionId, options)).isEqualTo(expectedModel);
		FallomSessionHolder.clear();
		ModelAssignment assignment = models.assign(configKey, sessionId, options);
		assertThat(assignment.model()).isEqualTo(expectedModel);
		assertThat(assignment.isFallback()).isFalse();
	}

}
