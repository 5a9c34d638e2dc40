package com.fallom.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The prompts and prompt A/B tests a {@link FallomMockServer} serves. Entries are kept as
 * the JSON text they were given, in order, so a test can serve malformed entries too; the
 * last entry of a prompt key is its current version, as the backend lists them.
 */
final class PromptStore {

	private final JsonMapper mapper;

	private final List<String> prompts = new ArrayList<>();

	private final List<String> abTests = new ArrayList<>();

	PromptStore(JsonMapper mapper) {
		this.mapper = mapper;
	}

	void putPrompt(String key, int version, String systemPrompt, String userTemplate) {
		ObjectNode prompt = this.mapper.createObjectNode();
		prompt.put("key", Objects.requireNonNull(key, "key must not be null"));
		prompt.put("version", version);
		prompt.put("system_prompt", Objects.requireNonNull(systemPrompt, "systemPrompt must not be null"));
		prompt.put("user_template", Objects.requireNonNull(userTemplate, "userTemplate must not be null"));
		addPromptJson(this.mapper.writeValueAsString(prompt));
	}

	synchronized void addPromptJson(String json) {
		this.prompts.add(checkJson(json));
	}

	synchronized void addAbTestJson(String json) {
		this.abTests.add(checkJson(json));
	}

	synchronized void clear() {
		this.prompts.clear();
		this.abTests.clear();
	}

	/**
	 * Return the body of {@code GET /prompts}.
	 */
	synchronized String prompts() {
		return list("prompts", this.prompts);
	}

	/**
	 * Return the body of {@code GET /prompt-ab-tests}.
	 */
	synchronized String abTests() {
		return list("prompt_ab_tests", this.abTests);
	}

	private static String list(String field, List<String> entries) {
		StringJoiner list = new StringJoiner(",", "{\"" + field + "\":[", "]}");
		entries.forEach(list::add);
		return list.toString();
	}

	private String checkJson(String json) {
		Objects.requireNonNull(json, "json must not be null");
		try {
			this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Entry is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		return json.strip();
	}

}
