package com.fallom.test.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fallom.test.TraceRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares a trace record made through a real client with the record the Python SDK
 * posted for the same exchange in {@code trace-record-vectors.json} (fallom-core's test
 * resources), on the fields of the conformance rule: top-level fields (ids and times by
 * format), kind, model, status, error presence, session, metadata, tags, prompt fields,
 * {@code fallom.sdk_version}, and, parsed, the messages, tools, response text, finish
 * reason, response id, tool calls and usage (for the Responses API: input, instructions,
 * the parameters copied, status, output items and text; for Anthropic: the system prompt
 * and the content blocks). Internal API of the conformance tests.
 */
public final class RecordConformance {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private RecordConformance() {
	}

	/**
	 * Read the vectors from fallom-core's test resources, found from the working
	 * directory of a module's tests.
	 * @return the vectors document
	 */
	public static JsonNode vectors() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			Path file = dir.resolve("fallom-core/src/test/resources/trace-record-vectors.json");
			if (Files.isRegularFile(file)) {
				try {
					return mapper.readTree(Files.readString(file));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("trace-record-vectors.json not found above " + Path.of("").toAbsolutePath());
	}

	/**
	 * Return the cases the conformance rule covers: OpenAI chat-completions cases that
	 * sent records, do not stream (the Python SDK crashes on streams) and have no
	 * Python-only quirk.
	 * @param vectors the vectors document
	 * @return the cases
	 */
	public static List<JsonNode> chatCases(JsonNode vectors) {
		List<JsonNode> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("cases")) {
			String shape = c.get("shape").asString();
			if (shape.startsWith("openai.chat.") && !shape.contains("stream") && !c.get("records").isEmpty()
					&& !c.has("sdk_quirk")) {
				cases.add(c);
			}
		}
		return cases;
	}

	/**
	 * Return the OpenAI Responses API cases the conformance rule covers: those that sent
	 * records and have no Python-only quirk (the Python SDK's Responses stream record holds
	 * no answer).
	 * @param vectors the vectors document
	 * @return the cases
	 */
	public static List<JsonNode> responsesCases(JsonNode vectors) {
		List<JsonNode> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("cases")) {
			if (c.get("shape").asString().startsWith("openai.responses.") && !c.get("records").isEmpty()
					&& !c.has("sdk_quirk")) {
				cases.add(c);
			}
		}
		return cases;
	}

	/**
	 * Return the Anthropic cases the conformance rule covers: every {@code messages.create}
	 * case that sent records and has no Python-only quirk (the Python SDK's stream crash is
	 * one).
	 * @param vectors the vectors document
	 * @return the cases
	 */
	public static List<JsonNode> anthropicCases(JsonNode vectors) {
		List<JsonNode> cases = new ArrayList<>();
		for (JsonNode c : vectors.get("cases")) {
			if (c.get("shape").asString().startsWith("anthropic.") && !c.get("records").isEmpty()
					&& !c.has("sdk_quirk")) {
				cases.add(c);
			}
		}
		return cases;
	}

	/**
	 * Return the {@linkplain #chatCases(JsonNode) covered cases} a client can express.
	 * @param vectors the vectors document
	 * @param notExpressible the ids of cases the client cannot express, each named with its
	 * reason by the caller
	 * @return the cases to drive
	 */
	public static List<JsonNode> chatCasesExcept(JsonNode vectors, Set<String> notExpressible) {
		return chatCases(vectors).stream().filter((c) -> !notExpressible.contains(c.get("id").asString())).toList();
	}

	/**
	 * Return a case's display name: its id and shape.
	 * @param c the case
	 * @return the name
	 */
	public static String name(JsonNode c) {
		return c.get("id").asString() + " " + c.get("shape").asString();
	}

	/**
	 * Return the recorded outcome of one step of a case.
	 * @param c the case
	 * @param step the step's index
	 * @return the outcome
	 */
	public static JsonNode outcome(JsonNode c, int step) {
		for (JsonNode outcome : c.get("outcomes")) {
			if (outcome.get("step").asInt() == step) {
				return outcome;
			}
		}
		throw new IllegalStateException("No outcome for step " + step);
	}

	/**
	 * Return a text field, or {@code null} when absent or null.
	 * @param node the object
	 * @param field the field
	 * @return the text, or {@code null}
	 */
	public static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	/**
	 * Assert that the records a case's calls sent, in the order the calls started, each
	 * conform to the vector's and hold no content when the case captures none.
	 * @param received the records the mock server received
	 * @param c the case
	 * @param ignoredRequestFields fields of the raw request the client cannot express
	 */
	public static void assertRecordsConform(List<TraceRecord> received, JsonNode c, Set<String> ignoredRequestFields) {
		assertThat(received).hasSize(c.get("records").size());
		List<TraceRecord> records = received.stream().sorted((a, b) -> a.startTime().compareTo(b.startTime())).toList();
		for (int i = 0; i < records.size(); i++) {
			assertConforms(records.get(i), c.get("records").get(i).get("body"), ignoredRequestFields);
			assertNoContentWithoutCapture(records.get(i), c);
		}
	}

	/**
	 * Return whether a case's session captures content.
	 * @param c the case
	 * @return whether content is captured
	 */
	public static boolean capturesContent(JsonNode c) {
		JsonNode inputs = c.get("inputs");
		return inputs.has("effective_capture_content") ? inputs.get("effective_capture_content").asBoolean()
				: inputs.get("capture_content").asBoolean();
	}

	/**
	 * Assert that a record conforms to the Python SDK's.
	 * @param record the record the mock server received
	 * @param expected the body of the vector's record
	 * @param ignoredRequestFields fields of the raw request a framework cannot express,
	 * not compared (each named with its reason by the caller)
	 */
	public static void assertConforms(TraceRecord record, JsonNode expected, Set<String> ignoredRequestFields) {
		JsonNode actual = mapper.valueToTree(record.body());
		Set<String> want = names(expected);
		Set<String> got = names(actual);
		assertThat(got).as("top-level fields").containsExactlyInAnyOrderElementsOf(want);
		for (String field : want) {
			JsonNode w = expected.get(field);
			JsonNode g = actual.get(field);
			switch (field) {
				case "trace_id" -> assertId(field, g, w, 32);
				case "span_id", "parent_span_id" -> assertId(field, g, w, 16);
				case "start_time", "end_time" -> assertThat(g.asString()).as(field)
					.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3}000)?\\+00:00");
				case "duration_ms" -> assertThat(g.asLong()).as(field).isEqualTo(
						OffsetDateTime.parse(actual.get("end_time").asString()).toInstant().toEpochMilli()
								- OffsetDateTime.parse(actual.get("start_time").asString()).toInstant().toEpochMilli());
				// Error presence counts: each client words its own exception
				case "error_message" -> assertThat(g.asString()).as(field).isNotEmpty();
				case "attributes" -> assertAttributes(g, w, ignoredRequestFields);
				default -> assertThat(g).as(field).isEqualTo(w);
			}
		}
	}

	/**
	 * Assert that a record of a case without content capture holds none of the case's
	 * content: no message text, tool name, tool argument or answer, anywhere in its
	 * bytes (the Python SDK sends tool names in its timings; this project does not).
	 * @param record the record the mock server received
	 * @param c the case
	 */
	public static void assertNoContentWithoutCapture(TraceRecord record, JsonNode c) {
		if (capturesContent(c)) {
			return;
		}
		String json = mapper.writeValueAsString(record.body());
		List<String> secrets = new ArrayList<>();
		for (JsonNode step : c.get("inputs").get("steps")) {
			JsonNode kwargs = step.get("kwargs");
			if (kwargs == null) {
				continue;
			}
			for (JsonNode message : kwargs.path("messages")) {
				content(message, secrets);
			}
			JsonNode input = kwargs.get("input");
			if (input != null && input.isString()) {
				secrets.add(input.asString());
			}
			else if (input != null) {
				input.forEach((message) -> content(message, secrets));
			}
			if (kwargs.has("tools")) {
				// OpenAI nests the tool in a function; Anthropic does not
				kwargs.get("tools").forEach((tool) -> secrets.add(tool.path("function").path("name")
					.asString(tool.path("name").asString())));
			}
			if (kwargs.hasNonNull("system") && kwargs.get("system").isString()) {
				secrets.add(kwargs.get("system").asString());
			}
		}
		for (JsonNode exchange : c.get("exchanges")) {
			JsonNode body = exchange.get("response").get("body");
			JsonNode choices = (body != null) ? body.get("choices") : null;
			if (choices != null) {
				choices.forEach((choice) -> content(choice.get("message"), secrets));
			}
			JsonNode output = (body != null) ? body.get("output") : null;
			if (output != null) {
				output.forEach((item) -> item.path("content")
					.forEach((part) -> secrets.add(part.path("text").asString(""))));
				secrets.removeIf(String::isEmpty);
			}
			JsonNode blocks = (body != null) ? body.get("content") : null;
			if (blocks != null && blocks.isArray()) {
				for (JsonNode block : blocks) {
					if (block.hasNonNull("text") && !block.get("text").asString().isEmpty()) {
						secrets.add(block.get("text").asString());
					}
					if (block.hasNonNull("name")) {
						secrets.add(block.get("name").asString());
					}
				}
			}
		}
		assertThat(secrets).as("content of the case").isNotEmpty();
		for (String secret : secrets) {
			assertThat(json).as("record without content capture").doesNotContain(secret);
		}
	}

	private static void content(JsonNode message, List<String> secrets) {
		JsonNode content = message.get("content");
		if (content != null && content.isString() && !content.asString().isEmpty()) {
			secrets.add(content.asString());
		}
		if (content != null && content.isArray()) {
			// Anthropic content blocks: text, tool_use names and tool_result contents
			for (JsonNode block : content) {
				for (String field : List.of("text", "name", "content")) {
					if (block.hasNonNull(field) && block.get(field).isString() && !block.get(field).asString().isEmpty()) {
						secrets.add(block.get(field).asString());
					}
				}
			}
		}
		if (message.hasNonNull("tool_calls")) {
			for (JsonNode call : message.get("tool_calls")) {
				secrets.add(call.get("function").get("name").asString());
				secrets.add(call.get("function").get("arguments").asString());
			}
		}
	}

	private static void assertAttributes(JsonNode got, JsonNode want, Set<String> ignoredRequestFields) {
		assertThat(got.get("fallom.sdk_version")).as("fallom.sdk_version").isEqualTo(want.get("fallom.sdk_version"));
		assertThat(got.get("fallom.method")).as("fallom.method").isEqualTo(want.get("fallom.method"));
		for (String raw : List.of("fallom.raw.request", "fallom.raw.response", "fallom.raw.usage")) {
			assertThat(got.has(raw)).as(raw + " present").isEqualTo(want.has(raw));
		}
		boolean responses = "responses.create".equals(want.get("fallom.method").asString());
		List<String> requestFields = responses ? List.of("model", "input", "instructions", "tools", "temperature",
				"max_output_tokens", "top_p", "store", "metadata")
				// Anthropic's system is absent from Chat Completions records, on both sides
				: List.of("messages", "system", "model", "tools", "tool_choice", "functions", "function_call");
		List<String> responseFields = responses ? List.of("responseId", "model", "status", "output", "text")
				// Anthropic's also list the content blocks
				: List.of("text", "finishReason", "responseId", "model", "toolCalls", "content");
		JsonNode wantRequest = raw(want, "fallom.raw.request");
		JsonNode gotRequest = raw(got, "fallom.raw.request");
		if (wantRequest != null && gotRequest != null) {
			if (responses) {
				assertThat(names(gotRequest)).as("request fields").isEqualTo(names(wantRequest));
			}
			for (String field : requestFields) {
				if (!ignoredRequestFields.contains(field)) {
					assertThat(gotRequest.get(field)).as("request " + field).isEqualTo(wantRequest.get(field));
				}
			}
		}
		JsonNode wantResponse = raw(want, "fallom.raw.response");
		JsonNode gotResponse = raw(got, "fallom.raw.response");
		if (wantResponse != null && gotResponse != null) {
			for (String field : responseFields) {
				assertThat(gotResponse.get(field)).as("response " + field).isEqualTo(wantResponse.get(field));
			}
		}
		assertThat(raw(got, "fallom.raw.usage")).as("usage").isEqualTo(raw(want, "fallom.raw.usage"));
	}

	private static @Nullable JsonNode raw(JsonNode attributes, String key) {
		JsonNode value = attributes.get(key);
		return (value == null) ? null : mapper.readTree(value.asString());
	}

	private static void assertId(String field, JsonNode got, JsonNode want, int length) {
		if (want.asString().startsWith("<")) {
			assertThat(got.asString()).as(field).matches("[0-9a-f]{" + length + "}");
		}
		else {
			assertThat(got.asString()).as(field).isEqualTo(want.asString());
		}
	}

	private static Set<String> names(JsonNode node) {
		Set<String> names = new LinkedHashSet<>();
		node.propertyNames().forEach(names::add);
		return names;
	}

}
