package com.fallom.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.models.ConfigRefresher;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.sync.SyncOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Times every config sync as {@code fallom.config.sync}, tagged by outcome
 * ({@code updated}, {@code not_modified}, {@code failed}, {@code refused}), and gauges the
 * age of the configs served as {@code fallom.config.age} ({@code NaN} for bootstrap
 * configs, which have no age).
 */
public class FallomConfigSyncMetrics implements MeterBinder {

	/** The name of the sync timer. */
	public static final String SYNC_METRIC_NAME = "fallom.config.sync";

	/** The name of the config age gauge. */
	public static final String AGE_METRIC_NAME = "fallom.config.age";

	private final ModelConfigRegistry configRegistry;

	private final @Nullable ConfigRefresher refresher;

	private final Clock clock;

	/**
	 * Create a binder.
	 * @param configRegistry the configs being served
	 * @param refresher their sync, or {@code null} when offline (only the age is bound)
	 * @param clock the clock
	 */
	public FallomConfigSyncMetrics(ModelConfigRegistry configRegistry, @Nullable ConfigRefresher refresher,
			Clock clock) {
		this.configRegistry = configRegistry;
		this.refresher = refresher;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		TimeGauge.builder(AGE_METRIC_NAME, this.configRegistry, TimeUnit.SECONDS, this::age)
			.description("Age of the Fallom model configs being served")
			.register(meterRegistry);
		if (this.refresher == null) {
			return;
		}
		// Registered up front, so that dashboards see every outcome at zero.
		Map<SyncOutcome, Timer> timers = new EnumMap<>(SyncOutcome.class);
		for (SyncOutcome outcome : SyncOutcome.values()) {
			timers.put(outcome,
					Timer.builder(SYNC_METRIC_NAME)
						.description("Syncs of the Fallom model configs with the backend")
						.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
						.register(meterRegistry));
		}
		this.refresher.addListener((outcome, duration) -> timers.get(outcome).record(duration));
	}

	private double age(ModelConfigRegistry registry) {
		Duration age = registry.getState().age(this.clock.instant());
		return (age != null) ? age.toMillis() / 1000.0 : Double.NaN;
	}

}
