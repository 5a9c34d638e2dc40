package com.fallom.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the property metadata that the configuration processor generates, so that an
 * undocumented property fails the build instead of showing up blank in IDEs.
 */
class FallomConfigurationMetadataTests {

	private static JsonNode metadata;

	@BeforeAll
	static void readMetadata() throws IOException {
		// Ours, not another jar's: the file next to FallomProperties' class.
		URL classes = FallomProperties.class.getProtectionDomain().getCodeSource().getLocation();
		URL file = new URL(classes, "META-INF/spring-configuration-metadata.json");
		try (InputStream in = file.openStream()) {
			metadata = JsonMapper.builder().build().readTree(in);
		}
	}

	@Test
	void everyPropertyHasADescription() {
		List<String> undocumented = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			names.add(name);
			if (property.path("description").asString("").isBlank()) {
				undocumented.add(name);
			}
		}
		assertThat(names).contains("fallom.enabled", "fallom.api-key", "fallom.capture-content",
				"fallom.models.refresh-interval", "management.health.fallom.enabled");
		assertThat(undocumented).as("properties without a description").isEmpty();
	}

	@Test
	void descriptionsAreSentences() {
		for (JsonNode property : metadata.path("properties")) {
			assertThat(property.path("description").asString()).as(property.path("name").asString()).endsWith(".");
		}
	}

	@Test
	void captureContentHintsTrueAndFalse() {
		List<String> values = new ArrayList<>();
		for (JsonNode hint : metadata.path("hints")) {
			if ("fallom.capture-content".equals(hint.path("name").asString())) {
				hint.path("values").forEach((value) -> values.add(value.path("value").asString()));
			}
		}
		Collections.sort(values);
		assertThat(values).containsExactly("false", "true");
	}

}
