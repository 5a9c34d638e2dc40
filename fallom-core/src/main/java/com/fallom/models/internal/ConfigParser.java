package com.fallom.models.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fallom.internal.BackendJson;
import com.fallom.internal.JsonItems;
import com.fallom.internal.LogText;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelTargeting;
import com.fallom.models.ModelVariant;
import com.fallom.sync.SyncedResource.Parsed;
import com.fallom.sync.SyncedResource.Rejected;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads model configs as the Fallom backend sends them, accepting what the reference SDK
 * accepts: {@code variants} as an array or as an object (document order), numeric-string
 * weights, a missing {@code version} meaning 1, and unknown fields. {@code targeting} is
 * read once here; a config whose targeting is malformed is rejected alone. Bodies are read
 * within the limits of {@link BackendJson}; messages quote backend values only through
 * {@link LogText}. Internal API.
 */
public final class ConfigParser {

	private static final JsonMapper mapper = BackendJson.mapper();

	private ConfigParser() {
	}

	/**
	 * Parse a {@code GET /configs} body.
	 * @param body the body
	 * @param origin the origin to give the configs
	 * @return the valid configs and the rejected entries
	 * @throws InvalidConfigException when the body is not a JSON object with a
	 * {@code configs} array
	 */
	public static ParsedConfigs parseConfigs(byte[] body, ConfigOrigin origin) {
		JsonNode root = readTree(body);
		JsonNode configs = root.get("configs");
		if (configs == null || !configs.isArray()) {
			throw new InvalidConfigException("the body has no 'configs' array");
		}
		Parsed<List<ModelConfig>> parsed = JsonItems.parseEach(configs, (node) -> parseConfig(node, origin),
				InvalidConfigException.class);
		return new ParsedConfigs(parsed.value(), parsed.rejected());
	}

	/**
	 * Parse one config, as sent by {@code GET /configs/{key}/version/{n}}.
	 * @param body the body
	 * @param origin the origin to give the config
	 * @return the config
	 * @throws InvalidConfigException when the body is not a valid config
	 */
	public static ModelConfig parseConfig(byte[] body, ConfigOrigin origin) {
		return parseConfig(readTree(body), origin);
	}

	private static JsonNode readTree(byte[] body) {
		try {
			JsonNode root = mapper.readTree(body);
			if (root == null || !root.isObject()) {
				throw new InvalidConfigException("the body is not a JSON object");
			}
			return root;
		}
		catch (JacksonException ex) {
			throw new InvalidConfigException("the body is not valid JSON (" + LogText.of(ex.getOriginalMessage()) + ")");
		}
	}

	static ModelConfig parseConfig(JsonNode node, ConfigOrigin origin) {
		if (node == null || !node.isObject()) {
			throw new InvalidConfigException("a config is not a JSON object");
		}
		String key = JsonItems.keyOf(node);
		if (key == null || key.isBlank()) {
			throw new InvalidConfigException("'key' is missing or blank");
		}
		int version = parseVersion(node.get("version"));
		JsonNode variantsNode = node.get("variants");
		List<ModelVariant> variants = new ArrayList<>();
		if (variantsNode != null && variantsNode.isArray()) {
			for (JsonNode variant : variantsNode) {
				variants.add(parseVariant(variant, variants.size()));
			}
		}
		else if (variantsNode != null && variantsNode.isObject()) {
			for (Map.Entry<String, JsonNode> entry : variantsNode.properties()) {
				variants.add(parseVariant(entry.getValue(), variants.size()));
			}
		}
		else {
			throw new InvalidConfigException("'variants' is missing or neither an array nor an object");
		}
		if (variants.isEmpty()) {
			throw new InvalidConfigException("'variants' is empty");
		}
		return new ModelConfig(key, version, variants, parseTargeting(node.get("targeting")), origin);
	}

	private static @Nullable ModelTargeting parseTargeting(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isObject()) {
			throw new InvalidConfigException("'targeting' is not a JSON object");
		}
		JsonNode enabled = node.get("enabled");
		if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
			throw new InvalidConfigException("'targeting.enabled' is not a boolean");
		}
		List<ModelTargeting.IndividualTarget> targets = new ArrayList<>();
		for (JsonNode target : arrayOf(node, "individualTargets")) {
			String where = "'targeting.individualTargets[" + targets.size() + "]'";
			requireObject(target, where);
			targets.add(new ModelTargeting.IndividualTarget(field(target, where), valueOf(target.get("value")),
					variantIndex(target, where)));
		}
		List<ModelTargeting.Rule> rules = new ArrayList<>();
		for (JsonNode rule : arrayOf(node, "rules")) {
			String where = "'targeting.rules[" + rules.size() + "]'";
			requireObject(rule, where);
			List<ModelTargeting.Condition> conditions = new ArrayList<>();
			JsonNode conditionsNode = rule.get("conditions");
			if (conditionsNode != null && !conditionsNode.isNull()) {
				if (!conditionsNode.isArray()) {
					throw new InvalidConfigException(where + " has 'conditions' that is not an array");
				}
				for (JsonNode condition : conditionsNode) {
					String at = where + " condition " + conditions.size();
					requireObject(condition, at);
					JsonNode operator = condition.get("operator");
					if (operator == null || !operator.isString()) {
						throw new InvalidConfigException(at + " has no string 'operator'");
					}
					conditions.add(new ModelTargeting.Condition(field(condition, at), operator.asString(),
							valueOf(condition.get("value"))));
				}
			}
			rules.add(new ModelTargeting.Rule(conditions, variantIndex(rule, where)));
		}
		return ModelTargeting.of(enabled == null || enabled.isNull() || enabled.asBoolean(), targets, rules);
	}

	private static Iterable<JsonNode> arrayOf(JsonNode targeting, String name) {
		JsonNode node = targeting.get(name);
		if (node == null || node.isNull()) {
			return List.of();
		}
		if (!node.isArray()) {
			throw new InvalidConfigException("'targeting." + name + "' is not an array");
		}
		return node;
	}

	private static void requireObject(JsonNode node, String where) {
		if (!node.isObject()) {
			throw new InvalidConfigException(where + " is not a JSON object");
		}
	}

	private static String field(JsonNode node, String where) {
		JsonNode field = node.get("field");
		if (field == null || !field.isString()) {
			throw new InvalidConfigException(where + " has no string 'field'");
		}
		return field.asString();
	}

	private static int variantIndex(JsonNode node, String where) {
		JsonNode index = node.get("variantIndex");
		if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()) {
			throw new InvalidConfigException(where + " has a 'variantIndex' that is not an integer");
		}
		return index.asInt();
	}

	private static @Nullable Object valueOf(@Nullable JsonNode node) {
		// Kept as plain Java values: strings match, other types are kept only to be
		// written back to the snapshot file unchanged.
		return (node != null) ? mapper.treeToValue(node, Object.class) : null;
	}

	private static int parseVersion(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return 1;
		}
		if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 1) {
			return node.asInt();
		}
		if (node.isString()) {
			// The reference SDK passes the version through untouched, so "3" works there.
			try {
				int version = Integer.parseInt(node.asString().strip());
				if (version >= 1) {
					return version;
				}
			}
			catch (NumberFormatException ex) {
				// Reported below.
			}
		}
		throw new InvalidConfigException("'version' must be a whole number of 1 or more, was " + LogText.of(node));
	}

	private static ModelVariant parseVariant(JsonNode node, int index) {
		if (node == null || !node.isObject()) {
			throw new InvalidConfigException("variant " + index + " is not a JSON object");
		}
		JsonNode model = node.get("model");
		if (model == null || !model.isString() || model.asString().isBlank()) {
			throw new InvalidConfigException("variant " + index + " has no 'model'");
		}
		double weight = parseWeight(node.get("weight"), index);
		return new ModelVariant(model.asString(), weight);
	}

	private static double parseWeight(@Nullable JsonNode node, int index) {
		double weight;
		if (node != null && node.isNumber()) {
			weight = node.asDouble();
		}
		else if (node != null && node.isString()) {
			weight = parseNumericString(node.asString(), index);
		}
		else {
			throw new InvalidConfigException("variant " + index + " has no numeric 'weight'");
		}
		if (!Double.isFinite(weight) || weight < 0) {
			throw new InvalidConfigException("variant " + index + " has a 'weight' that is not a finite number >= 0");
		}
		return weight;
	}

	private static double parseNumericString(String value, int index) {
		try {
			return BackendJson.parseDecimal(value);
		}
		catch (NumberFormatException ex) {
			throw new InvalidConfigException("variant " + index + " has a 'weight' that is not a number");
		}
	}

	/**
	 * Write configs in the backend's own {@code GET /configs} format, as the snapshot file
	 * keeps them.
	 * @param configs the configs
	 * @return the body
	 */
	public static byte[] writeConfigs(Collection<ModelConfig> configs) {
		List<Map<String, Object>> entries = new ArrayList<>();
		for (ModelConfig config : configs) {
			List<Map<String, Object>> variants = new ArrayList<>();
			for (ModelVariant variant : config.getVariants()) {
				variants.add(Map.of("model", variant.model(), "weight", variant.weight()));
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("key", config.getKey());
			entry.put("version", config.getVersion());
			entry.put("variants", variants);
			ModelTargeting targeting = config.getTargeting();
			if (targeting != null) {
				entry.put("targeting", writeTargeting(targeting));
			}
			entries.add(entry);
		}
		return mapper.writeValueAsBytes(Map.of("configs", entries));
	}

	private static Map<String, Object> writeTargeting(ModelTargeting targeting) {
		List<Map<String, @Nullable Object>> targets = new ArrayList<>();
		for (ModelTargeting.IndividualTarget target : targeting.getIndividualTargets()) {
			Map<String, @Nullable Object> entry = new LinkedHashMap<>();
			entry.put("field", target.field());
			entry.put("value", target.value());
			entry.put("variantIndex", target.variantIndex());
			targets.add(entry);
		}
		List<Map<String, Object>> rules = new ArrayList<>();
		for (ModelTargeting.Rule rule : targeting.getRules()) {
			List<Map<String, @Nullable Object>> conditions = new ArrayList<>();
			for (ModelTargeting.Condition condition : rule.conditions()) {
				Map<String, @Nullable Object> entry = new LinkedHashMap<>();
				entry.put("field", condition.field());
				entry.put("operator", condition.operator());
				entry.put("value", condition.value());
				conditions.add(entry);
			}
			rules.add(Map.of("conditions", conditions, "variantIndex", rule.variantIndex()));
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("enabled", targeting.isEnabled());
		entry.put("individualTargets", targets);
		entry.put("rules", rules);
		return entry;
	}

	/**
	 * The outcome of parsing {@code GET /configs}.
	 *
	 * @param configs the valid configs
	 * @param rejected the entries that were skipped
	 */
	public record ParsedConfigs(List<ModelConfig> configs, List<Rejected> rejected) {
	}

	/**
	 * Thrown when a body or a config is not what the protocol describes.
	 */
	public static final class InvalidConfigException extends RuntimeException {

		InvalidConfigException(String message) {
			super(message);
		}

	}

}
