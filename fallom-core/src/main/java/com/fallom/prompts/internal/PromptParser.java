package com.fallom.prompts.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fallom.internal.BackendJson;
import com.fallom.internal.JsonItems;
import com.fallom.internal.LogText;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptVersion;
import com.fallom.sync.SyncedResource.MalformedResponseException;
import com.fallom.sync.SyncedResource.Parsed;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the backend's {@code GET /prompts} and {@code GET /prompt-ab-tests} bodies, and
 * writes what a registry serves back in the same form for the snapshot file. A malformed
 * prompt or test is skipped alone and reported; the body as a whole must be a JSON object
 * with the list. Lenient where the model config parser is: a missing {@code version} means
 * 1, numeric strings are taken for numbers, unknown fields are ignored. Bodies are read
 * within the limits of {@link BackendJson}; messages quote backend values only through
 * {@link LogText}. Internal API.
 */
public final class PromptParser {

	private static final JsonMapper mapper = BackendJson.mapper();

	private PromptParser() {
	}

	/**
	 * Parse a {@code GET /prompts} body.
	 * @param body the body
	 * @return the valid prompt versions, in order, and the rejected entries
	 * @throws MalformedResponseException when the body has no {@code prompts} array
	 */
	public static Parsed<List<PromptVersion>> parsePrompts(byte[] body) {
		return JsonItems.parseEach(readList(body, "prompts"), PromptParser::parsePrompt,
				IllegalArgumentException.class);
	}

	/**
	 * Parse a {@code GET /prompt-ab-tests} body.
	 * @param body the body
	 * @return the valid tests, in order, and the rejected entries
	 * @throws MalformedResponseException when the body has no {@code prompt_ab_tests} array
	 */
	public static Parsed<List<PromptAbTest>> parseAbTests(byte[] body) {
		return JsonItems.parseEach(readList(body, "prompt_ab_tests"), PromptParser::parseAbTest,
				IllegalArgumentException.class);
	}

	private static JsonNode readList(byte[] body, String field) {
		JsonNode root;
		try {
			root = mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new MalformedResponseException("the body is not valid JSON (" + LogText.of(ex.getOriginalMessage()) + ")");
		}
		if (root == null || !root.isObject()) {
			throw new MalformedResponseException("the body is not a JSON object");
		}
		JsonNode list = root.get(field);
		if (list == null || !list.isArray()) {
			throw new MalformedResponseException("the body has no '" + field + "' array");
		}
		return list;
	}

	private static PromptVersion parsePrompt(JsonNode node) {
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("a prompt is not a JSON object");
		}
		String key = requireKey(node, "key");
		int version = parseVersion(node.get("version"), "'version'");
		String system = parseText(node, "system_prompt");
		String user = parseText(node, "user_template");
		return new PromptVersion(key, version, system, user);
	}

	private static PromptAbTest parseAbTest(JsonNode node) {
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("a prompt A/B test is not a JSON object");
		}
		String key = requireKey(node, "key");
		int version = parseVersion(node.get("version"), "'version'");
		JsonNode variantsNode = node.get("variants");
		List<PromptAbTest.Variant> variants = new ArrayList<>();
		if (variantsNode != null && variantsNode.isArray()) {
			for (JsonNode variant : variantsNode) {
				variants.add(parseVariant(variant, variants.size()));
			}
		}
		else if (variantsNode != null && variantsNode.isObject()) {
			// Model configs may send variants as an object; take tests the same way.
			for (Map.Entry<String, JsonNode> entry : variantsNode.properties()) {
				variants.add(parseVariant(entry.getValue(), variants.size()));
			}
		}
		else {
			throw new IllegalArgumentException("'variants' is missing or neither an array nor an object");
		}
		if (variants.isEmpty()) {
			throw new IllegalArgumentException("'variants' is empty");
		}
		return new PromptAbTest(key, version, variants);
	}

	private static PromptAbTest.Variant parseVariant(JsonNode node, int index) {
		if (node == null || !node.isObject()) {
			throw new IllegalArgumentException("variant " + index + " is not a JSON object");
		}
		JsonNode promptKey = node.get("prompt_key");
		if (promptKey == null || !promptKey.isString() || promptKey.asString().isBlank()) {
			throw new IllegalArgumentException("variant " + index + " has no 'prompt_key'");
		}
		JsonNode versionNode = node.get("prompt_version");
		Integer promptVersion = (versionNode == null || versionNode.isNull()) ? null
				: parseVersion(versionNode, "variant " + index + "'s 'prompt_version'");
		double weight = parseWeight(node.get("weight"), index);
		return new PromptAbTest.Variant(promptKey.asString(), promptVersion, weight);
	}

	private static String requireKey(JsonNode node, String field) {
		JsonNode key = node.get(field);
		if (key == null || !key.isString() || key.asString().isBlank()) {
			throw new IllegalArgumentException("'" + field + "' is missing or blank");
		}
		return key.asString();
	}

	/**
	 * A template field: absent is an error (the body is not what we expect), {@code null}
	 * means no text.
	 */
	private static String parseText(JsonNode node, String field) {
		JsonNode text = node.get(field);
		if (text == null) {
			throw new IllegalArgumentException("'" + field + "' is missing");
		}
		if (text.isNull()) {
			return "";
		}
		if (!text.isString()) {
			throw new IllegalArgumentException("'" + field + "' is not a string");
		}
		return text.asString();
	}

	private static int parseVersion(@Nullable JsonNode node, String name) {
		if (node == null || node.isNull()) {
			return 1;
		}
		if (node.isIntegralNumber() && node.canConvertToInt() && node.asInt() >= 1) {
			return node.asInt();
		}
		if (node.isString()) {
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
		throw new IllegalArgumentException(name + " must be a whole number of 1 or more, was " + LogText.of(node));
	}

	private static double parseWeight(@Nullable JsonNode node, int index) {
		double weight;
		if (node != null && node.isNumber()) {
			weight = node.asDouble();
		}
		else if (node != null && node.isString()) {
			try {
				weight = BackendJson.parseDecimal(node.asString());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("variant " + index + " has a 'weight' that is not a number");
			}
		}
		else {
			throw new IllegalArgumentException("variant " + index + " has no numeric 'weight'");
		}
		if (!Double.isFinite(weight) || weight < 0) {
			throw new IllegalArgumentException(
					"variant " + index + " has a 'weight' that is not a finite number of 0 or more");
		}
		return weight;
	}

	/**
	 * Write the prompts of a snapshot as a {@code GET /prompts} body: every version seen,
	 * oldest first, the current one last, so that parsing it gives the same state.
	 * @param snapshot the snapshot
	 * @return the body
	 */
	public static byte[] writePrompts(PromptSnapshot snapshot) {
		ObjectNode root = mapper.createObjectNode();
		ArrayNode list = root.putArray("prompts");
		snapshot.promptVersions().forEach((key, byVersion) -> {
			CompiledPrompt current = snapshot.prompt(key);
			new TreeMap<>(byVersion).values().forEach((prompt) -> {
				if (prompt != current) {
					writePrompt(list, prompt.definition());
				}
			});
			if (current != null) {
				writePrompt(list, current.definition());
			}
		});
		return mapper.writeValueAsBytes(root);
	}

	private static void writePrompt(ArrayNode list, PromptVersion prompt) {
		ObjectNode node = list.addObject();
		node.put("key", prompt.key());
		node.put("version", prompt.version());
		node.put("system_prompt", prompt.systemPrompt());
		node.put("user_template", prompt.userTemplate());
	}

	/**
	 * Write the tests of a snapshot as a {@code GET /prompt-ab-tests} body.
	 * @param snapshot the snapshot
	 * @return the body
	 */
	public static byte[] writeAbTests(PromptSnapshot snapshot) {
		ObjectNode root = mapper.createObjectNode();
		ArrayNode list = root.putArray("prompt_ab_tests");
		for (CompiledAbTest compiled : snapshot.abTests().values()) {
			PromptAbTest test = compiled.definition();
			ObjectNode node = list.addObject();
			node.put("key", test.key());
			node.put("version", test.version());
			ArrayNode variants = node.putArray("variants");
			for (PromptAbTest.Variant variant : test.variants()) {
				ObjectNode variantNode = variants.addObject();
				variantNode.put("prompt_key", variant.promptKey());
				if (variant.promptVersion() != null) {
					variantNode.put("prompt_version", variant.promptVersion());
				}
				else {
					variantNode.putNull("prompt_version");
				}
				variantNode.put("weight", variant.weight());
			}
		}
		return mapper.writeValueAsBytes(root);
	}

}
