package com.fallom.evals;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A dataset fetched from the Fallom app ({@code GET {app}/api/datasets/{key}}).
 *
 * @param key the key it was fetched by
 * @param name the dataset's name, or {@code null}
 * @param version the version served, or {@code null}
 * @param items the entries as items: input, output (judged), system message, metadata
 */
public record Dataset(String key, @Nullable String name, @Nullable Integer version, List<EvalItem> items) {

	public Dataset {
		Objects.requireNonNull(key, "key must not be null");
		items = List.copyOf(items);
	}

}
