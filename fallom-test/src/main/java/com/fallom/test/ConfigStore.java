package com.fallom.test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configs a {@link FallomMockServer} serves, every version of every key.
 * <p>
 * Configs are kept as the JSON text they were given, so the served body has the
 * variants in document order and numeric-string weights stay strings, exactly what a
 * client must cope with from the real backend.
 */
final class ConfigStore {

	private final JsonMapper mapper;

	/**
	 * Versions by key; keys in the order they were first added.
	 */
	private final Map<String, NavigableMap<Integer, String>> configs = new LinkedHashMap<>();

	ConfigStore(JsonMapper mapper) {
		this.mapper = mapper;
	}

	void put(String configJson) {
		Objects.requireNonNull(configJson, "configJson must not be null");
		JsonNode config;
		try {
			config = this.mapper.readTree(configJson);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Config is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		if (config == null || !config.isObject()) {
			throw new IllegalArgumentException("Config must be a JSON object");
		}
		JsonNode key = config.get("key");
		if (key == null || !key.isString() || key.asString().isEmpty()) {
			throw new IllegalArgumentException("Config must have a non-empty string \"key\"");
		}
		store(key.asString(), version(config.get("version")), configJson.strip());
	}

	void put(String key, int version, Map<String, ? extends Number> modelWeights) {
		Objects.requireNonNull(modelWeights, "modelWeights must not be null");
		List<ConfigVariant> variants = new ArrayList<>();
		modelWeights.forEach((model, weight) -> variants.add(new ConfigVariant(model, weight)));
		put(key, version, variants);
	}

	void put(String key, int version, List<ConfigVariant> variants) {
		Objects.requireNonNull(key, "key must not be null");
		Objects.requireNonNull(variants, "variants must not be null");
		ObjectNode config = this.mapper.createObjectNode();
		config.put("key", key);
		config.put("version", version);
		ArrayNode array = config.putArray("variants");
		for (ConfigVariant variant : variants) {
			ObjectNode node = array.addObject();
			node.put("model", Objects.requireNonNull(variant, "variant must not be null").model());
			putWeight(node, variant.weight());
		}
		store(key, version, this.mapper.writeValueAsString(config));
	}

	private static void putWeight(ObjectNode variant, Number weight) {
		Objects.requireNonNull(weight, "weight must not be null");
		if (weight instanceof Integer || weight instanceof Short || weight instanceof Byte) {
			variant.put("weight", weight.intValue());
		}
		else if (weight instanceof Long) {
			variant.put("weight", weight.longValue());
		}
		else if (weight instanceof Double || weight instanceof Float) {
			double value = weight.doubleValue();
			if (!Double.isFinite(value)) {
				throw new IllegalArgumentException("Weight must be finite, was " + weight);
			}
			// Float.toString keeps 0.07f as 0.07 rather than 0.07000000029802322
			variant.put("weight", (weight instanceof Float) ? new BigDecimal(weight.toString()) : BigDecimal.valueOf(value));
		}
		else if (weight instanceof BigInteger bigInteger) {
			variant.put("weight", bigInteger);
		}
		else {
			variant.put("weight", new BigDecimal(weight.toString()));
		}
	}

	private static int version(JsonNode version) {
		if (version == null || version.isNull()) {
			return 1;
		}
		if (version.isIntegralNumber() && version.canConvertToInt()) {
			return version.intValue();
		}
		if (version.isString()) {
			try {
				return Integer.parseInt(version.asString().strip());
			}
			catch (NumberFormatException ex) {
				// fall through to the error below
			}
		}
		throw new IllegalArgumentException("Config \"version\" must be an integer, was " + version);
	}

	private synchronized void store(String key, int version, String json) {
		this.configs.computeIfAbsent(key, (k) -> new TreeMap<>()).put(version, json);
	}

	synchronized void remove(String key) {
		this.configs.remove(key);
	}

	synchronized void clear() {
		this.configs.clear();
	}

	synchronized String get(String key, int version) {
		NavigableMap<Integer, String> versions = this.configs.get(key);
		return (versions != null) ? versions.get(version) : null;
	}

	/**
	 * Return the body of {@code GET /configs}: the latest version of each key.
	 */
	synchronized String latest() {
		StringJoiner configs = new StringJoiner(",", "{\"configs\":[", "]}");
		this.configs.values().forEach((versions) -> configs.add(versions.lastEntry().getValue()));
		return configs.toString();
	}

	static String etag(byte[] body) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
			return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	static boolean matches(String ifNoneMatch, String etag) {
		if (ifNoneMatch == null) {
			return false;
		}
		for (String candidate : ifNoneMatch.split(",")) {
			String tag = candidate.strip();
			// If-None-Match uses the weak comparison, so W/"x" matches "x"
			if (tag.startsWith("W/")) {
				tag = tag.substring(2);
			}
			if (tag.equals("*") || tag.equals(etag)) {
				return true;
			}
		}
		return false;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
