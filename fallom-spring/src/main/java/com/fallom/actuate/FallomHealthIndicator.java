package com.fallom.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.spool.Spool;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ConfigState;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.prompts.PromptRefresher;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.sync.SyncStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of Fallom: where the served configs come from, how old they are, how the
 * config sync fares, how many prompts and prompt A/B tests are served and how their sync
 * fares, and how full the send queues are. Always {@code UP}: Fallom keeps
 * serving its last good configs when its backend is down, so an outage must never take
 * the application out of service. The {@code stale} detail says when the configs have
 * not been refreshed for {@value Staleness#MISSED_SYNCS} refresh intervals.
 */
public class FallomHealthIndicator extends AbstractHealthIndicator {

	private final ModelConfigRegistry registry;

	private final @Nullable ConfigRefresher refresher;

	private final List<QueueStatistics> queues;

	private final @Nullable PromptRegistry promptRegistry;

	private final @Nullable PromptRefresher promptRefresher;

	private final Clock clock;

	/**
	 * Create an indicator.
	 * @param registry the configs being served
	 * @param refresher the config sync, or {@code null} when offline
	 * @param queues the send queues
	 * @param clock the clock
	 */
	public FallomHealthIndicator(ModelConfigRegistry registry, @Nullable ConfigRefresher refresher,
			List<? extends QueueStatistics> queues, Clock clock) {
		this(registry, refresher, null, null, queues, clock);
	}

	/**
	 * Create an indicator that shows the prompts too.
	 * @param registry the configs being served
	 * @param refresher the config sync, or {@code null} when offline
	 * @param promptRegistry the prompts and prompt A/B tests being served, or {@code null}
	 * when prompt management is off
	 * @param promptRefresher the prompt sync, or {@code null} when offline or not syncing
	 * @param queues the send queues
	 * @param clock the clock
	 */
	public FallomHealthIndicator(ModelConfigRegistry registry, @Nullable ConfigRefresher refresher,
			@Nullable PromptRegistry promptRegistry, @Nullable PromptRefresher promptRefresher,
			List<? extends QueueStatistics> queues, Clock clock) {
		super("Fallom health check failed");
		this.registry = registry;
		this.refresher = refresher;
		this.promptRegistry = promptRegistry;
		this.promptRefresher = promptRefresher;
		this.queues = List.copyOf(queues);
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ConfigState state = this.registry.getState();
		builder.up().withDetail("mode", (this.refresher != null) ? "online" : "offline");
		builder.withDetail("origin", originOf(state));
		builder.withDetail("configs", state.configs().size());
		Duration age = state.age(this.clock.instant());
		if (age != null) {
			builder.withDetail("configAge", age.toString());
		}
		builder.withDetail("stale", Staleness.isStale(this.refresher, this.clock));
		if (this.refresher != null) {
			SyncStatus status = this.refresher.getStatus();
			putIfPresent(builder, "lastSuccess", status.lastSuccess());
			putIfPresent(builder, "lastFailure", status.lastFailure());
			putIfPresent(builder, "lastFailureReason", status.lastFailureReason());
			builder.withDetail("consecutiveFailures", status.consecutiveFailures());
		}
		if (this.promptRegistry != null) {
			builder.withDetail("prompts", prompts(this.promptRegistry));
		}
		if (!this.queues.isEmpty()) {
			Map<String, Object> queues = new LinkedHashMap<>();
			for (QueueStatistics queue : this.queues) {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("size", queue.getQueueSize());
				details.put("dropped", queue.getDroppedCount());
				Spool<?> spool = queue.getSpool();
				if (spool != null) {
					details.put("spoolBytes", spool.getBytes());
					long oldest = spool.getOldestMillis();
					if (oldest != 0) {
						details.put("spoolOldest", Instant.ofEpochMilli(oldest).toString());
					}
				}
				queues.put(queue.getQueueName(), details);
			}
			builder.withDetail("queues", queues);
		}
	}

	private Map<String, Object> prompts(PromptRegistry registry) {
		Map<String, Object> prompts = new LinkedHashMap<>();
		prompts.put("prompts", registry.currentPrompts().size());
		prompts.put("abTests", registry.abTests().size());
		PromptRefresher refresher = this.promptRefresher;
		// Prompts sync once the app uses them: until then there is no sync to be stale
		boolean synced = refresher != null && (refresher.isRunning()
				|| refresher.getPromptStatus().lastAttempt() != null || refresher.getAbTestStatus().lastAttempt() != null);
		prompts.put("synced", synced);
		if (synced) {
			SyncStatus promptStatus = refresher.getPromptStatus();
			SyncStatus abTestStatus = refresher.getAbTestStatus();
			prompts.put("stale", Staleness.isStale(promptStatus, refresher.getRefreshInterval(), this.clock)
					|| Staleness.isStale(abTestStatus, refresher.getRefreshInterval(), this.clock));
			prompts.put("promptSync", syncDetails(promptStatus));
			prompts.put("abTestSync", syncDetails(abTestStatus));
		}
		return prompts;
	}

	private static Map<String, Object> syncDetails(SyncStatus status) {
		Map<String, Object> details = new LinkedHashMap<>();
		putIfPresent(details, "lastSuccess", status.lastSuccess());
		putIfPresent(details, "lastFailure", status.lastFailure());
		putIfPresent(details, "lastFailureReason", status.lastFailureReason());
		details.put("consecutiveFailures", status.consecutiveFailures());
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String name, @Nullable Object value) {
		if (value != null) {
			details.put(name, value.toString());
		}
	}

	static String originOf(ConfigState state) {
		return (state.origin() != null) ? state.origin().name().toLowerCase(Locale.ROOT) : "none";
	}

	private static void putIfPresent(Health.Builder builder, String name, @Nullable Object value) {
		if (value != null) {
			builder.withDetail(name, value.toString());
		}
	}

}
