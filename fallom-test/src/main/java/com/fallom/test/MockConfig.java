package com.fallom.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.json.JsonMapper;

/**
 * A model config for {@link FallomMockServer#putConfig(MockConfig)}, with variants and
 * targeting as the Fallom backend sends them:
 *
 * <pre class="code">
 * fallom.putConfig(MockConfig.key("support")
 *     .variant("gpt-4o", 50).variant("claude-3-5-sonnet", 50)
 *     .customer("vip-1", 1)
 *     .rule(0, MockConfig.condition("plan", "eq", "enterprise")));
 * </pre>
 *
 * Immutable: each method returns a new config.
 */
public final class MockConfig {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final String key;

	private final int version;

	private final List<Map<String, Object>> variants;

	private final List<Map<String, Object>> individualTargets;

	private final List<Map<String, Object>> rules;

	private final boolean targetingEnabled;

	private MockConfig(String key, int version, List<Map<String, Object>> variants,
			List<Map<String, Object>> individualTargets, List<Map<String, Object>> rules, boolean targetingEnabled) {
		this.key = key;
		this.version = version;
		this.variants = List.copyOf(variants);
		this.individualTargets = List.copyOf(individualTargets);
		this.rules = List.copyOf(rules);
		this.targetingEnabled = targetingEnabled;
	}

	/**
	 * Start a config, version 1, without variants or targeting.
	 * @param key the config key
	 * @return the config
	 */
	public static MockConfig key(String key) {
		Objects.requireNonNull(key, "key must not be null");
		return new MockConfig(key, 1, List.of(), List.of(), List.of(), true);
	}

	/**
	 * A rule condition.
	 * @param field the context field, e.g. {@code plan} or {@code customerId}
	 * @param operator {@code eq}, {@code neq}, {@code in}, {@code nin}, {@code contains},
	 * {@code startsWith} or {@code endsWith} (any other is sent as given)
	 * @param value a string, or a list of strings for {@code in} and {@code nin}
	 * @return the condition
	 */
	public static Map<String, Object> condition(String field, String operator, Object value) {
		Map<String, Object> condition = new LinkedHashMap<>();
		condition.put("field", Objects.requireNonNull(field, "field must not be null"));
		condition.put("operator", Objects.requireNonNull(operator, "operator must not be null"));
		condition.put("value", value);
		return condition;
	}

	/**
	 * Return a copy with another version.
	 * @param version the version
	 * @return the config
	 */
	public MockConfig version(int version) {
		return new MockConfig(this.key, version, this.variants, this.individualTargets, this.rules,
				this.targetingEnabled);
	}

	/**
	 * Return a copy with one more variant.
	 * @param model the model
	 * @param weight its percentage of traffic
	 * @return the config
	 */
	public MockConfig variant(String model, Number weight) {
		Map<String, Object> variant = new LinkedHashMap<>();
		variant.put("model", Objects.requireNonNull(model, "model must not be null"));
		variant.put("weight", Objects.requireNonNull(weight, "weight must not be null"));
		return new MockConfig(this.key, this.version, append(this.variants, variant), this.individualTargets,
				this.rules, this.targetingEnabled);
	}

	/**
	 * Return a copy with one more individual target.
	 * @param field the context field
	 * @param value the value it must equal
	 * @param variantIndex the variant the target gets
	 * @return the config
	 */
	public MockConfig individualTarget(String field, String value, int variantIndex) {
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("field", Objects.requireNonNull(field, "field must not be null"));
		target.put("value", value);
		target.put("variantIndex", variantIndex);
		return new MockConfig(this.key, this.version, this.variants, append(this.individualTargets, target),
				this.rules, this.targetingEnabled);
	}

	/**
	 * Return a copy that pins a customer to a variant: an individual target on
	 * {@code customerId}.
	 * @param customerId the customer id
	 * @param variantIndex the variant the customer gets
	 * @return the config
	 */
	public MockConfig customer(String customerId, int variantIndex) {
		return individualTarget("customerId", customerId, variantIndex);
	}

	/**
	 * Return a copy with one more rule.
	 * @param variantIndex the variant the rule gives
	 * @param conditions the conditions, all of which must hold; none matches everyone
	 * @return the config
	 */
	@SafeVarargs
	public final MockConfig rule(int variantIndex, Map<String, Object>... conditions) {
		Map<String, Object> rule = new LinkedHashMap<>();
		rule.put("conditions", List.copyOf(Arrays.asList(conditions)));
		rule.put("variantIndex", variantIndex);
		return new MockConfig(this.key, this.version, this.variants, this.individualTargets,
				append(this.rules, rule), this.targetingEnabled);
	}

	/**
	 * Return a copy whose targeting is sent with {@code "enabled": false}.
	 * @return the config
	 */
	public MockConfig targetingDisabled() {
		return new MockConfig(this.key, this.version, this.variants, this.individualTargets, this.rules, false);
	}

	/**
	 * Return the config as the backend sends it; without targets or rules it has no
	 * {@code targeting}.
	 * @return the JSON
	 */
	public String toJson() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("key", this.key);
		config.put("version", this.version);
		config.put("variants", this.variants);
		if (!this.individualTargets.isEmpty() || !this.rules.isEmpty() || !this.targetingEnabled) {
			Map<String, Object> targeting = new LinkedHashMap<>();
			targeting.put("enabled", this.targetingEnabled);
			targeting.put("individualTargets", this.individualTargets);
			targeting.put("rules", this.rules);
			config.put("targeting", targeting);
		}
		return mapper.writeValueAsString(config);
	}

	@Override
	public String toString() {
		return toJson();
	}

	private static List<Map<String, Object>> append(List<Map<String, Object>> list, Map<String, Object> element) {
		List<Map<String, Object>> appended = new ArrayList<>(list);
		appended.add(element);
		return appended;
	}

}
