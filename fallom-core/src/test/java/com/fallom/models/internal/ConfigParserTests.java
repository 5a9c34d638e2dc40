package com.fallom.models.internal;

import java.nio.charset.StandardCharsets;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelVariant;
import com.fallom.sync.SyncedResource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConfigParser}.
 */
class ConfigParserTests {

	@Test
	void readsArrayAndKeyedVariantsAndIgnoresUnknownFields() {
		ConfigParser.ParsedConfigs parsed = parse("""
				{"configs": [
				  {"key": "a", "version": 3, "targeting": {"x": 1},
				   "variants": [{"model": "gpt-4o", "weight": 50, "extra": true}, {"model": "o1", "weight": "50"}]},
				  {"key": "b", "version": "4", "variants": {"control": {"model": "m1", "weight": 25}, "treatment": {"model": "m2", "weight": 75.5}}}
				]}""");
		assertThat(parsed.rejected()).isEmpty();
		ModelConfig a = parsed.configs().get(0);
		assertThat(a.getVersion()).isEqualTo(3);
		assertThat(a.getVariants()).containsExactly(new ModelVariant("gpt-4o", 50), new ModelVariant("o1", 50));
		ModelConfig b = parsed.configs().get(1);
		assertThat(b.getVersion()).isEqualTo(4);
		assertThat(b.getVariants()).containsExactly(new ModelVariant("m1", 25), new ModelVariant("m2", 75.5));
	}

	@Test
	void skipsInvalidConfigsAloneAndSaysWhy() {
		ConfigParser.ParsedConfigs parsed = parse("""
				{"configs": [
				  {"key": "good", "variants": [{"model": "m", "weight": 100}]},
				  {"key": "no-variants", "variants": []},
				  {"key": "negative", "variants": [{"model": "m", "weight": -1}]},
				  {"key": "nan", "variants": [{"model": "m", "weight": "NaN"}]},
				  {"key": "no-model", "variants": [{"weight": 10}]},
				  {"key": "bad-version", "version": "two", "variants": [{"model": "m", "weight": 10}]},
				  {"variants": [{"model": "m", "weight": 10}]},
				  "not an object"
				]}""");
		assertThat(parsed.configs()).extracting(ModelConfig::getKey).containsExactly("good");
		assertThat(parsed.rejected()).extracting(SyncedResource.Rejected::key)
			.containsExactly("no-variants", "negative", "nan", "no-model", "bad-version", null, null);
		assertThat(parsed.rejected().get(1).reason()).contains("weight");
	}

	@Test
	void missingVersionMeansOne() {
		assertThat(parse("{\"configs\": [{\"key\": \"a\", \"variants\": [{\"model\": \"m\", \"weight\": 1}]}]}")
			.configs()
			.get(0)
			.getVersion()).isOne();
	}

	@Test
	void rejectsBodiesThatAreNotTheProtocol() {
		assertThatExceptionOfType(ConfigParser.InvalidConfigException.class).isThrownBy(() -> parse("<html>"))
			.withMessageContaining("not valid JSON");
		assertThatExceptionOfType(ConfigParser.InvalidConfigException.class).isThrownBy(() -> parse("[]"))
			.withMessageContaining("not a JSON object");
		assertThatExceptionOfType(ConfigParser.InvalidConfigException.class).isThrownBy(() -> parse("{\"x\": 1}"))
			.withMessageContaining("'configs'");
	}

	@Test
	void boundaryWeightsAccumulateAsDoubles() {
		// 0.07 * 10000 is 700.0000000000001: bucket 700 still belongs to the first variant.
		ModelConfig config = ConfigParser.parseConfig(
				"{\"key\":\"k\",\"variants\":[{\"model\":\"a\",\"weight\":0.07},{\"model\":\"b\",\"weight\":99.93}]}"
					.getBytes(StandardCharsets.UTF_8),
				ConfigOrigin.FETCHED);
		assertThat(config.variantIndexFor(700)).isZero();
		assertThat(config.variantIndexFor(701)).isOne();
	}

	private static ConfigParser.ParsedConfigs parse(String json) {
		return ConfigParser.parseConfigs(json.getBytes(StandardCharsets.UTF_8), ConfigOrigin.FETCHED);
	}

}
