package com.fallom.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModelConfigRegistry}: the layers of configs it serves.
 */
class ModelConfigRegistryTests {

	private static ModelConfig config(String key, int version, String model, ConfigOrigin origin) {
		return new ModelConfig(key, version, List.of(new ModelVariant(model, 100)), origin);
	}

	@Test
	void bootstrapConfigsAreAFloorPerKeyUnderFetchedOnes() {
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(config("a", 1, "local-a", ConfigOrigin.BOOTSTRAP),
				config("b", 1, "local-b", ConfigOrigin.BOOTSTRAP)), null);
		registry.applyFetched(Map.of("a", config("a", 4, "fetched-a", ConfigOrigin.FETCHED)), Instant.now());
		assertThat(registry.getLatest("a").getVersion()).isEqualTo(4);
		assertThat(registry.getLatest("b").getOrigin()).isEqualTo(ConfigOrigin.BOOTSTRAP);
		FallomModels models = new FallomModels(registry, null, null, List.of());
		assertThat(models.assign("b", "s1").source()).isEqualTo(AssignmentSource.BOOTSTRAP);
		assertThat(models.assign("a", "s1").source()).isEqualTo(AssignmentSource.LATEST);
	}

	@Test
	void bootstrapFloorAppliesUnderASnapshotToo() {
		ConfigState snapshot = new ConfigState(Map.of("a", config("a", 2, "snap-a", ConfigOrigin.SNAPSHOT)),
				ConfigOrigin.SNAPSHOT, Instant.now());
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(config("b", 1, "local-b", ConfigOrigin.BOOTSTRAP)),
				snapshot);
		assertThat(registry.getLatest("a").modelAt(0)).isEqualTo("snap-a");
		assertThat(registry.getLatest("b").modelAt(0)).isEqualTo("local-b");
	}

	@Test
	void aVersionOnceServedStaysPinnableWithoutAFetch() {
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(), null);
		registry.applyFetched(Map.of("a", config("a", 1, "v1", ConfigOrigin.FETCHED)), Instant.now());
		registry.applyFetched(Map.of("a", config("a", 2, "v2", ConfigOrigin.FETCHED)), Instant.now());
		FallomModels offline = new FallomModels(registry, null, null, List.of());
		assertThat(offline.get("a", "s1", ModelOptions.version(1))).isEqualTo("v1");
		assertThat(offline.get("a", "s1")).isEqualTo("v2");
	}

	@Test
	void confirmRestartsTheAgeOfFetchedConfigsOnly() {
		ModelConfigRegistry registry = new ModelConfigRegistry(List.of(config("b", 1, "local-b", ConfigOrigin.BOOTSTRAP)),
				null);
		registry.confirm(Instant.now());
		assertThat(registry.getState().updatedAt()).as("bootstrap configs have no age").isNull();
		Instant fetched = Instant.parse("2026-01-01T00:00:00Z");
		registry.applyFetched(Map.of("a", config("a", 1, "v1", ConfigOrigin.FETCHED)), fetched);
		Instant confirmed = fetched.plusSeconds(300);
		registry.confirm(confirmed);
		assertThat(registry.getState().age(confirmed.plusSeconds(1))).hasSeconds(1);
	}

}
