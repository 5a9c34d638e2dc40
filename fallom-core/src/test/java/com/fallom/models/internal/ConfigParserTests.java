package com.fallom.models.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelTargeting;
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

	@Test
	void configWithMalformedTargetingIsRejectedAloneNamingTheProblem() {
		String variants = "\"variants\": [{\"model\": \"m\", \"weight\": 100}]";
		ConfigParser.ParsedConfigs parsed = parse("{\"configs\": ["
				+ "{\"key\": \"good\", " + variants + ", \"targeting\": {\"rules\": [{\"conditions\": [], \"variantIndex\": 0}]}},"
				+ "{\"key\": \"rule-not-object\", " + variants + ", \"targeting\": {\"rules\": [\"plan=pro\"]}},"
				+ "{\"key\": \"index-not-integer\", " + variants + ", \"targeting\": {\"individualTargets\": "
				+ "[{\"field\": \"customerId\", \"value\": \"v\", \"variantIndex\": \"1\"}]}},"
				+ "{\"key\": \"index-fraction\", " + variants + ", \"targeting\": {\"rules\": [{\"conditions\": [], \"variantIndex\": 1.5}]}},"
				+ "{\"key\": \"targeting-not-object\", " + variants + ", \"targeting\": [1]},"
				+ "{\"key\": \"rules-not-array\", " + variants + ", \"targeting\": {\"rules\": {}}},"
				+ "{\"key\": \"condition-without-field\", " + variants + ", \"targeting\": {\"rules\": "
				+ "[{\"conditions\": [{\"operator\": \"eq\", \"value\": \"x\"}], \"variantIndex\": 0}]}},"
				+ "{\"key\": \"enabled-not-boolean\", " + variants + ", \"targeting\": {\"enabled\": \"yes\"}}"
				+ "]}");
		assertThat(parsed.configs()).extracting(ModelConfig::getKey).containsExactly("good");
		assertThat(parsed.rejected()).extracting(SyncedResource.Rejected::key)
			.containsExactly("rule-not-object", "index-not-integer", "index-fraction", "targeting-not-object",
					"rules-not-array", "condition-without-field", "enabled-not-boolean");
		assertThat(parsed.rejected()).extracting(SyncedResource.Rejected::reason)
			.containsExactly("'targeting.rules[0]' is not a JSON object",
					"'targeting.individualTargets[0]' has a 'variantIndex' that is not an integer",
					"'targeting.rules[0]' has a 'variantIndex' that is not an integer",
					"'targeting' is not a JSON object", "'targeting.rules' is not an array",
					"'targeting.rules[0]' condition 0 has no string 'field'", "'targeting.enabled' is not a boolean");
	}

	@Test
	void snapshotBodyRoundTripsTargeting() {
		ConfigParser.ParsedConfigs parsed = parse("""
				{"configs": [{"key": "t", "version": 2, "variants": [{"model": "a", "weight": 50}, {"model": "b", "weight": 50}],
				  "targeting": {"enabled": false,
				    "individualTargets": [{"field": "customerId", "value": "vip-1", "variantIndex": 1},
				      {"field": "seats", "value": 5, "variantIndex": 0}],
				    "rules": [{"conditions": [{"field": "plan", "operator": "in", "value": ["pro", 3, null]},
				      {"field": "region", "operator": "bogus"}], "variantIndex": 9}]}},
				  {"key": "plain", "variants": [{"model": "a", "weight": 100}]}]}""");
		byte[] written = ConfigParser.writeConfigs(parsed.configs());
		ConfigParser.ParsedConfigs reread = ConfigParser.parseConfigs(written, ConfigOrigin.SNAPSHOT);
		assertThat(reread.rejected()).isEmpty();
		ModelTargeting targeting = reread.configs().get(0).getTargeting();
		assertThat(targeting).isEqualTo(parsed.configs().get(0).getTargeting());
		assertThat(targeting.isEnabled()).isFalse();
		assertThat(targeting.getIndividualTargets().get(1).value()).isEqualTo(5);
		assertThat(targeting.getRules().get(0).conditions().get(0).value()).isEqualTo(Arrays.asList("pro", 3, null));
		assertThat(reread.configs().get(1).getTargeting()).isNull();
		assertThat(new String(written, StandardCharsets.UTF_8)).doesNotContain("\"plain\",\"version\":1,\"variants\":[{\"model\":\"a\",\"weight\":100.0}],\"targeting\"");
	}

}
