package com.fallom.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fallom.models.ConfigSyncListener;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.SyncOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

/**
 * Times every config sync as {@code fallom.config.sync}, tagged by outcome
 * ({@code updated}, {@code not_modified}, {@code failed}, {@code refused}), and gauges the
 * age of the configs served as {@code fallom.config.age} ({@code NaN} for bootstrap
 * configs, which have no age).
 */
public class FallomConfigSyncMetrics implements ConfigSyncListener {

	/** The name of the sync timer. */
	public static final String SYNC_METRIC_NAME = "fallom.config.sync";

	/** The name of the config age gauge. */
	public static final String AGE_METRIC_NAME = "fallom.config.age";

	private final Map<SyncOutcome, Timer> timers = new EnumMap<>(SyncOutcome.class);

	/**
	 * Create a listener and register its meters.
	 * @param meterRegistry the meter registry
	 * @param configRegistry the configs being served
	 * @param clock the clock
	 */
	public FallomConfigSyncMetrics(MeterRegistry meterRegistry, ModelConfigRegistry configRegistry, Clock clock) {
		// Registered up front, so that dashboards see every outcome at zero.
		for (SyncOutcome outcome : SyncOutcome.values()) {
			this.timers.put(outcome,
					Timer.builder(SYNC_METRIC_NAME)
						.description("Syncs of the Fallom model configs with the backend")
						.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
						.register(meterRegistry));
		}
		TimeGauge.builder(AGE_METRIC_NAME, configRegistry, TimeUnit.SECONDS, (registry) -> age(registry, clock))
			.description("Age of the Fallom model configs being served")
			.register(meterRegistry);
	}

	private static double age(ModelConfigRegistry registry, Clock clock) {
		Duration age = registry.getState().age(clock.instant());
		return (age != null) ? age.toMillis() / 1000.0 : Double.NaN;
	}

	@Override
	public void onSync(SyncOutcome outcome, Duration duration) {
		this.timers.get(outcome).record(duration);
	}

}
