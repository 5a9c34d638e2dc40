package com.fallom.metrics;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import com.fallom.models.AssignmentSource;
import com.fallom.models.FallomModels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Counts assignments as {@code fallom.assignments}, tagged by config key, model, config
 * version and source. Never tagged by session id: that would make one time series per
 * session.
 * <p>
 * Assignment is a hot path, so each counter is looked up without allocating: by config
 * key and model in maps keyed by the strings the caller already has, then by source and
 * version in a small copy-on-write array.
 */
public class FallomAssignmentMetrics implements MeterBinder {

	/** The name of the counter. */
	public static final String METRIC_NAME = "fallom.assignments";

	private static final AssignmentSource[] SOURCES = AssignmentSource.values();

	private final FallomModels models;

	private volatile @Nullable MeterRegistry registry;

	private final ConcurrentMap<String, ConcurrentMap<String, ByModel>> counters = new ConcurrentHashMap<>();

	/**
	 * Create a binder of the assignments of a {@link FallomModels}.
	 * @param models the models
	 */
	public FallomAssignmentMetrics(FallomModels models) {
		this.models = models;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.registry == null) {
			this.registry = registry;
			this.models.addListener(this::count);
		}
	}

	private void count(String configKey, String model, int configVersion, AssignmentSource source) {
		MeterRegistry registry = this.registry;
		ConcurrentMap<String, ByModel> byModel = this.counters.get(configKey);
		if (byModel == null) {
			byModel = this.counters.computeIfAbsent(configKey, (key) -> new ConcurrentHashMap<>());
		}
		ByModel counters = byModel.get(model);
		if (counters == null) {
			counters = byModel.computeIfAbsent(model, (name) -> new ByModel());
		}
		counters.counter(registry, configKey, model, configVersion, source).increment();
	}

	/**
	 * The counters of one config key and model, by source and then version.
	 */
	private static final class ByModel {

		private final AtomicReferenceArray<VersionCounter[]> bySource = new AtomicReferenceArray<>(SOURCES.length);

		Counter counter(MeterRegistry registry, String configKey, String model, int version, AssignmentSource source) {
			VersionCounter[] known = this.bySource.get(source.ordinal());
			if (known != null) {
				for (VersionCounter candidate : known) {
					if (candidate.version == version) {
						return candidate.counter;
					}
				}
			}
			return register(registry, configKey, model, version, source);
		}

		private synchronized Counter register(MeterRegistry registry, String configKey, String model, int version,
				AssignmentSource source) {
			VersionCounter[] known = this.bySource.get(source.ordinal());
			int length = (known != null) ? known.length : 0;
			for (int i = 0; i < length; i++) {
				if (known[i].version == version) {
					return known[i].counter;
				}
			}
			Counter counter = Counter.builder(METRIC_NAME)
				.description("Model assignments made by Fallom")
				.tag("config.key", configKey)
				.tag("model", model)
				.tag("config.version", Integer.toString(version))
				.tag("source", source.name().toLowerCase(Locale.ROOT))
				.register(registry);
			VersionCounter[] updated = new VersionCounter[length + 1];
			if (known != null) {
				System.arraycopy(known, 0, updated, 0, length);
			}
			updated[length] = new VersionCounter(version, counter);
			this.bySource.set(source.ordinal(), updated);
			return counter;
		}

	}

	private record VersionCounter(int version, Counter counter) {
	}

}
