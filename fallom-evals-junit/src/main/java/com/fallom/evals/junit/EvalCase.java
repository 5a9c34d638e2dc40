package com.fallom.evals.junit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fallom.evals.EvalItem;
import org.jspecify.annotations.Nullable;

/**
 * One case of an eval suite: an id that names it in reports and baselines, the input, and
 * optionally a recorded output, the expected output, a system message, retrieved context,
 * tags (to assert per tag) and metadata.
 *
 * @param id the case id, unique in its dataset
 * @param input the user input
 * @param output a recorded output, or {@code null} when the test produces it
 * @param expectedOutput the expected output, or {@code null}
 * @param systemMessage the system message, or {@code null}
 * @param context the retrieved context, or {@code null}
 * @param tags the tags
 * @param metadata the metadata
 */
public record EvalCase(String id, String input, @Nullable String output, @Nullable String expectedOutput,
		@Nullable String systemMessage, @Nullable List<String> context, List<String> tags,
		Map<String, Object> metadata) {

	public EvalCase {
		Objects.requireNonNull(id, "case id must not be null");
		if (input == null || input.isBlank()) {
			throw new IllegalArgumentException("Eval case '" + id + "' has no input");
		}
		context = (context != null) ? List.copyOf(context) : null;
		tags = List.copyOf(tags);
		metadata = Map.copyOf(metadata);
	}

	/**
	 * Create a case with an id and an input.
	 * @param id the id
	 * @param input the input
	 * @return the case
	 */
	public static EvalCase of(String id, String input) {
		return new EvalCase(id, input, null, null, null, null, List.of(), Map.of());
	}

	/**
	 * Return the item the judge scores for an output.
	 * @param output the output to judge
	 * @return the item, its metadata holding the case id and tags
	 */
	public EvalItem toItem(@Nullable String output) {
		Map<String, Object> itemMetadata = new LinkedHashMap<>(this.metadata);
		itemMetadata.put("case_id", this.id);
		if (!this.tags.isEmpty()) {
			itemMetadata.put("tags", this.tags);
		}
		return new EvalItem(this.input, output, this.systemMessage, this.expectedOutput, this.context, itemMetadata);
	}

	@Override
	public String toString() {
		return this.id;
	}

}
