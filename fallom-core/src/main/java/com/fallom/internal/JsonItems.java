package com.fallom.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fallom.sync.SyncedResource.Parsed;
import com.fallom.sync.SyncedResource.Rejected;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Parses the items of a synced list one by one, so that an invalid item is skipped alone
 * and reported with its key, index and reason: the one loop of the config and prompt
 * parsers. Internal API.
 */
public final class JsonItems {

	private JsonItems() {
	}

	/**
	 * Parse every item of a list.
	 * @param items the list's items, in order
	 * @param parse parses one item, throwing {@code invalid} when it is not valid
	 * @param invalid the exception that marks an invalid item; any other escapes
	 * @param <T> the item type
	 * @return the valid items, in order, and the rejected ones
	 */
	public static <T> Parsed<List<T>> parseEach(Iterable<JsonNode> items, Function<JsonNode, T> parse,
			Class<? extends RuntimeException> invalid) {
		List<T> valid = new ArrayList<>();
		List<Rejected> rejected = new ArrayList<>();
		int index = 0;
		for (JsonNode node : items) {
			try {
				valid.add(parse.apply(node));
			}
			catch (RuntimeException ex) {
				if (!invalid.isInstance(ex)) {
					throw ex;
				}
				rejected.add(new Rejected(keyOf(node), index, LogText.of(ex.getMessage())));
			}
			index++;
		}
		return new Parsed<>(valid, rejected);
	}

	/**
	 * Return an item's {@code key}, to name it in a log line.
	 * @param node the item
	 * @return the key, or {@code null} when it has no string key
	 */
	public static @Nullable String keyOf(@Nullable JsonNode node) {
		JsonNode key = (node != null) ? node.get("key") : null;
		return (key != null && key.isString()) ? key.asString() : null;
	}

}
