package com.fallom.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fallom.internal.QueueStatistics;
import com.fallom.internal.spool.Spool;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ConfigState;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelTargeting;
import com.fallom.models.ModelVariant;
import com.fallom.prompts.PromptAbTest;
import com.fallom.prompts.PromptRefresher;
import com.fallom.prompts.PromptVersion;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.sync.OnDemandSync;
import com.fallom.sync.SyncStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} that shows what Fallom serves and how it fares: the configs
 * with their versions, variants, origin and targeting summary, the config sync, the
 * prompts and prompt A/B tests with their versions and variants, the prompt sync, the
 * send queues and the settings that matter to an operator. The API key is never shown,
 * only its last two characters; targeting values never; prompt templates only when
 * content capture is on. A write operation syncs the configs and prompts at once, unless
 * the backend asked for a back-off.
 */
@Endpoint(id = "fallom")
public class FallomEndpoint {

	private final ModelConfigRegistry registry;

	private final @Nullable ConfigRefresher refresher;

	private final List<QueueStatistics> queues;

	private final SettingsDescriptor settings;

	private final @Nullable PromptRegistry promptRegistry;

	private final @Nullable PromptRefresher promptRefresher;

	private final Clock clock;

	/**
	 * Create an endpoint.
	 * @param registry the configs being served
	 * @param refresher the config sync, or {@code null} when offline
	 * @param queues the send queues
	 * @param settings the settings to show
	 * @param clock the clock
	 */
	public FallomEndpoint(ModelConfigRegistry registry, @Nullable ConfigRefresher refresher,
			List<? extends QueueStatistics> queues, SettingsDescriptor settings, Clock clock) {
		this(registry, refresher, null, null, queues, settings, clock);
	}

	/**
	 * Create an endpoint that lists prompts too.
	 * @param registry the configs being served
	 * @param refresher the config sync, or {@code null} when offline
	 * @param promptRegistry the prompts and prompt A/B tests being served, or {@code null}
	 * when prompt management is off
	 * @param promptRefresher the prompt sync, or {@code null} when offline or not syncing
	 * @param queues the send queues
	 * @param settings the settings to show
	 * @param clock the clock
	 */
	public FallomEndpoint(ModelConfigRegistry registry, @Nullable ConfigRefresher refresher,
			@Nullable PromptRegistry promptRegistry, @Nullable PromptRefresher promptRefresher,
			List<? extends QueueStatistics> queues, SettingsDescriptor settings, Clock clock) {
		this.registry = registry;
		this.refresher = refresher;
		this.promptRegistry = promptRegistry;
		this.promptRefresher = promptRefresher;
		this.queues = List.copyOf(queues);
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * Describe Fallom's state.
	 * @return the description
	 */
	@ReadOperation
	public FallomDescriptor fallom() {
		ConfigState state = this.registry.getState();
		Map<String, ConfigDescriptor> configs = new LinkedHashMap<>();
		state.configs().values().forEach((config) -> configs.put(config.getKey(), ConfigDescriptor.of(config)));
		List<ConfigDescriptor> pinned = this.registry.getPinnedVersions()
			.stream()
			.sorted(Comparator.comparing(ModelConfig::getKey).thenComparingInt(ModelConfig::getVersion))
			.map(ConfigDescriptor::of)
			.toList();
		Map<String, QueueDescriptor> queues = new LinkedHashMap<>();
		this.queues.forEach((queue) -> queues.put(queue.getQueueName(), QueueDescriptor.of(queue)));
		return new FallomDescriptor((this.refresher != null) ? "online" : "offline", this.settings, sync(state),
				configs, pinned, queues, prompts(), null);
	}

	private @Nullable PromptsDescriptor prompts() {
		PromptRegistry registry = this.promptRegistry;
		if (registry == null) {
			return null;
		}
		// Templates are what the application sends to the model: shown only when content
		// capture allows them to leave the process at all.
		boolean showText = this.settings.captureContent();
		Map<String, PromptDescriptor> prompts = new LinkedHashMap<>();
		Map<String, List<Integer>> versions = new LinkedHashMap<>();
		registry.allPrompts()
			.forEach((prompt) -> versions.computeIfAbsent(prompt.key(), (key) -> new ArrayList<>())
				.add(prompt.version()));
		for (PromptVersion current : registry.currentPrompts()) {
			prompts.put(current.key(),
					new PromptDescriptor(current.key(), current.version(),
							versions.getOrDefault(current.key(), List.of(current.version())),
							showText ? current.systemPrompt() : null, showText ? current.userTemplate() : null));
		}
		Map<String, PromptAbTestDescriptor> abTests = new LinkedHashMap<>();
		for (PromptAbTest test : registry.abTests()) {
			List<PromptVariantDescriptor> variants = new ArrayList<>();
			for (int i = 0; i < test.variants().size(); i++) {
				PromptAbTest.Variant variant = test.variants().get(i);
				PromptVersion served = registry.prompt(variant.promptKey(), variant.promptVersion());
				variants.add(new PromptVariantDescriptor(i, variant.promptKey(), variant.promptVersion(),
						variant.weight(), (served != null) ? served.version() : null));
			}
			abTests.put(test.key(), new PromptAbTestDescriptor(test.key(), test.version(), variants));
		}
		return new PromptsDescriptor(promptSync(), prompts, abTests);
	}

	private @Nullable PromptSyncDescriptor promptSync() {
		PromptRefresher refresher = this.promptRefresher;
		if (refresher == null) {
			return null;
		}
		SyncStatus prompts = refresher.getPromptStatus();
		SyncStatus abTests = refresher.getAbTestStatus();
		boolean stale = Staleness.isStale(prompts, refresher.getRefreshInterval(), this.clock)
				|| Staleness.isStale(abTests, refresher.getRefreshInterval(), this.clock);
		return new PromptSyncDescriptor(stale, refresher.getRefreshInterval(), SyncStatusDescriptor.of(prompts),
				SyncStatusDescriptor.of(abTests));
	}

	/**
	 * Sync the configs, prompts and prompt A/B tests now, each unless its sync is running
	 * or backing off after the backend refused it (401, 403, 404, 429, 5xx, or a
	 * {@code Retry-After}): a refresh never reaches a backend that asked to be left alone.
	 * The answer says, per sync, whether it ran and, during a back-off, when it ends.
	 * @return the description after the syncs, with what each did
	 */
	@WriteOperation
	public FallomDescriptor refresh() {
		RefreshDescriptor refresh = new RefreshDescriptor(
				(this.refresher != null) ? RefreshResultDescriptor.of(this.refresher.requestRefresh()) : null,
				(this.promptRefresher != null)
						? RefreshResultDescriptor.of(this.promptRefresher.requestPromptRefresh()) : null,
				(this.promptRefresher != null)
						? RefreshResultDescriptor.of(this.promptRefresher.requestAbTestRefresh()) : null);
		FallomDescriptor state = fallom();
		return new FallomDescriptor(state.mode(), state.settings(), state.sync(), state.configs(),
				state.pinnedVersions(), state.queues(), state.prompts(), refresh);
	}

	private SyncDescriptor sync(ConfigState state) {
		SyncStatus status = (this.refresher != null) ? this.refresher.getStatus() : SyncStatus.NEVER;
		return new SyncDescriptor(FallomHealthIndicator.originOf(state), state.updatedAt(),
				state.age(this.clock.instant()), Staleness.isStale(this.refresher, this.clock),
				(this.refresher != null) ? this.refresher.getRefreshInterval() : null, status.lastAttempt(),
				status.lastSuccess(), status.lastFailure(), status.lastFailureReason(), status.consecutiveFailures(),
				status.successes(), status.failures(),
				(this.refresher != null) ? this.refresher.getLastSyncDuration() : null);
	}

	/**
	 * Mask an API key for display: its last two characters only, and nothing of a key
	 * too short to hide.
	 * @param apiKey the API key, or {@code null}
	 * @return the masked key, or {@code null} when there is none
	 */
	public static @Nullable String mask(@Nullable String apiKey) {
		if (apiKey == null || apiKey.isBlank()) {
			return null;
		}
		// As the engine uses it: whitespace around a key is not part of it.
		String key = apiKey.strip();
		return (key.length() >= 12) ? "****" + key.substring(key.length() - 2) : "****";
	}

	/**
	 * Fallom's state.
	 *
	 * @param mode {@code online} with an API key, otherwise {@code offline}
	 * @param settings the settings
	 * @param sync the config sync
	 * @param configs the latest version of each config, by key
	 * @param pinnedVersions the pinned versions fetched so far
	 * @param queues the send queues, by name
	 * @param prompts the prompts and prompt A/B tests, or {@code null} when prompt
	 * management is off
	 * @param refresh what each sync did, in the answer to a refresh only
	 */
	public record FallomDescriptor(String mode, SettingsDescriptor settings, SyncDescriptor sync,
			Map<String, ConfigDescriptor> configs, List<ConfigDescriptor> pinnedVersions,
			Map<String, QueueDescriptor> queues, @Nullable PromptsDescriptor prompts,
			@Nullable RefreshDescriptor refresh) implements OperationResponseBody {

	}

	/**
	 * What a refresh did, per sync.
	 *
	 * @param configs the config sync, or {@code null} when offline
	 * @param prompts the sync of {@code /prompts}, or {@code null} when offline or not
	 * syncing prompts
	 * @param promptAbTests the sync of {@code /prompt-ab-tests}, or {@code null} when
	 * offline or not syncing prompts
	 */
	public record RefreshDescriptor(@Nullable RefreshResultDescriptor configs,
			@Nullable RefreshResultDescriptor prompts, @Nullable RefreshResultDescriptor promptAbTests) {

	}

	/**
	 * What a refresh did to one sync.
	 *
	 * @param result {@code succeeded} or {@code failed} when it ran; {@code in-progress}
	 * when a sync was already running; {@code backing-off} when the backend refused the
	 * last sync and its back-off has not ended, so nothing was sent
	 * @param backoffUntil when the back-off in force ends, or {@code null} when none is
	 */
	public record RefreshResultDescriptor(String result, @Nullable Instant backoffUntil) {

		static RefreshResultDescriptor of(OnDemandSync sync) {
			return new RefreshResultDescriptor(sync.result().name().toLowerCase(Locale.ROOT).replace('_', '-'),
					sync.backoffUntil());
		}

	}

	/**
	 * The prompts and prompt A/B tests being served.
	 *
	 * @param sync the prompt sync, or {@code null} when offline or not syncing
	 * @param prompts the current version of each prompt, by key
	 * @param abTests the prompt A/B tests, by key
	 */
	public record PromptsDescriptor(@Nullable PromptSyncDescriptor sync, Map<String, PromptDescriptor> prompts,
			Map<String, PromptAbTestDescriptor> abTests) {

	}

	/**
	 * One prompt.
	 *
	 * @param key the prompt key
	 * @param currentVersion the version a call without a pinned version gets
	 * @param versions every version known, for pinning
	 * @param systemPrompt the current system prompt template, or {@code null} when
	 * content capture is off
	 * @param userTemplate the current user message template, or {@code null} when
	 * content capture is off
	 */
	public record PromptDescriptor(String key, int currentVersion, List<Integer> versions,
			@Nullable String systemPrompt, @Nullable String userTemplate) {

	}

	/**
	 * One prompt A/B test.
	 *
	 * @param key the test key
	 * @param version the test version
	 * @param variants the variants, in order
	 */
	public record PromptAbTestDescriptor(String key, int version, List<PromptVariantDescriptor> variants) {

	}

	/**
	 * One variant of a prompt A/B test.
	 *
	 * @param index the variant's position, as on spans and metrics
	 * @param promptKey the key of its prompt
	 * @param promptVersion its pinned prompt version, or {@code null} for the current one
	 * @param weight its share of sessions in percent
	 * @param servedVersion the prompt version it gives now, or {@code null} when that
	 * prompt is not known and callers get their fallback
	 */
	public record PromptVariantDescriptor(int index, String promptKey, @Nullable Integer promptVersion,
			double weight, @Nullable Integer servedVersion) {

	}

	/**
	 * The prompt sync: {@code /prompts} and {@code /prompt-ab-tests}.
	 *
	 * @param stale whether either has not been refreshed for three refresh intervals
	 * @param refreshInterval the time between syncs
	 * @param prompts the sync of {@code /prompts}
	 * @param abTests the sync of {@code /prompt-ab-tests}
	 */
	public record PromptSyncDescriptor(boolean stale, Duration refreshInterval, SyncStatusDescriptor prompts,
			SyncStatusDescriptor abTests) {

	}

	/**
	 * What one background sync has done so far.
	 *
	 * @param lastAttempt when the last sync started
	 * @param lastSuccess when the backend last answered
	 * @param lastFailure when a sync last failed
	 * @param lastFailureReason why it failed
	 * @param consecutiveFailures failures since the last success
	 * @param successes successful syncs so far
	 * @param failures failed syncs so far
	 */
	public record SyncStatusDescriptor(@Nullable Instant lastAttempt, @Nullable Instant lastSuccess,
			@Nullable Instant lastFailure, @Nullable String lastFailureReason, int consecutiveFailures,
			long successes, long failures) {

		static SyncStatusDescriptor of(SyncStatus status) {
			return new SyncStatusDescriptor(status.lastAttempt(), status.lastSuccess(), status.lastFailure(),
					status.lastFailureReason(), status.consecutiveFailures(), status.successes(), status.failures());
		}

	}

	/**
	 * The settings an operator needs to see.
	 *
	 * @param apiKey the masked API key (see {@link FallomEndpoint#mask(String)}), or
	 * {@code null} when there is none
	 * @param configsUrl the URL of the configs service
	 * @param tracesUrl the URL of the traces service
	 * @param promptsUrl the URL of the prompts service
	 * @param captureContent whether prompt and completion text is sent with traces
	 * @param tracing whether chat calls are traced
	 */
	public record SettingsDescriptor(@Nullable String apiKey, String configsUrl, String tracesUrl, String promptsUrl,
			boolean captureContent, boolean tracing) {

	}

	/**
	 * The config sync.
	 *
	 * @param origin where the served configs come from: {@code fetched},
	 * {@code snapshot}, {@code bootstrap} or {@code none}
	 * @param updatedAt when they were fetched or written
	 * @param configAge how old they are
	 * @param stale whether they have not been refreshed for three refresh intervals
	 * @param refreshInterval the time between syncs
	 * @param lastAttempt when the last sync started
	 * @param lastSuccess when the backend last answered
	 * @param lastFailure when a sync last failed
	 * @param lastFailureReason why it failed
	 * @param consecutiveFailures failures since the last success
	 * @param successes successful syncs so far
	 * @param failures failed syncs so far
	 * @param lastDuration how long the last sync took
	 */
	public record SyncDescriptor(String origin, @Nullable Instant updatedAt, @Nullable Duration configAge,
			boolean stale, @Nullable Duration refreshInterval, @Nullable Instant lastAttempt,
			@Nullable Instant lastSuccess, @Nullable Instant lastFailure, @Nullable String lastFailureReason,
			int consecutiveFailures, long successes, long failures, @Nullable Duration lastDuration) {

	}

	/**
	 * One config version.
	 *
	 * @param key the config key
	 * @param version the version
	 * @param origin where it came from: {@code fetched}, {@code snapshot} or
	 * {@code bootstrap}
	 * @param variants the variants, in order
	 * @param targeting a summary of its targeting, or {@code null} when it has none
	 */
	public record ConfigDescriptor(String key, int version, String origin, List<ModelVariant> variants,
			@Nullable TargetingDescriptor targeting) {

		static ConfigDescriptor of(ModelConfig config) {
			ModelTargeting targeting = config.getTargeting();
			return new ConfigDescriptor(config.getKey(), config.getVersion(),
					config.getOrigin().name().toLowerCase(Locale.ROOT), config.getVariants(),
					(targeting != null) ? TargetingDescriptor.of(targeting) : null);
		}

	}

	/**
	 * A summary of a config's targeting: its shape, without the values it compares with.
	 *
	 * @param enabled whether it applies
	 * @param individualTargets the number of individual targets
	 * @param rules the rules, in order
	 */
	public record TargetingDescriptor(boolean enabled, int individualTargets, List<RuleDescriptor> rules) {

		static TargetingDescriptor of(ModelTargeting targeting) {
			// Target and condition values are often customer ids, e-mail addresses or
			// account names: personal data that an operator's endpoint must not spread.
			// Fields, operators and variant indexes say how sessions are pinned.
			List<RuleDescriptor> rules = targeting.getRules()
				.stream()
				.map((rule) -> new RuleDescriptor(rule.variantIndex(),
						rule.conditions()
							.stream()
							.map((condition) -> new ConditionDescriptor(condition.field(), condition.operator()))
							.toList()))
				.toList();
			return new TargetingDescriptor(targeting.isEnabled(), targeting.getIndividualTargets().size(), rules);
		}

	}

	/**
	 * A targeting rule, without its conditions' values.
	 *
	 * @param variantIndex the index of the variant that matching sessions get
	 * @param conditions its conditions, in order
	 */
	public record RuleDescriptor(int variantIndex, List<ConditionDescriptor> conditions) {

	}

	/**
	 * A condition of a targeting rule, without its value.
	 *
	 * @param field the context field it tests
	 * @param operator its operator, e.g. {@code eq} or {@code in}
	 */
	public record ConditionDescriptor(String field, String operator) {

	}

	/**
	 * One send queue.
	 *
	 * @param size items waiting
	 * @param dropped items dropped because the queue was full or shutdown ran out of time
	 * @param sent items the backend accepted
	 * @param failed items the backend refused for good (or refused for their API key)
	 * @param retried sends that failed and were kept for a retry
	 * @param expiredByAttempts items given up after the most attempts
	 * @param expiredByTime items given up once retried for the longest retry time
	 * @param spool the queue's delivery spool, or {@code null} when it keeps to memory
	 */
	public record QueueDescriptor(int size, long dropped, long sent, long failed, long retried,
			long expiredByAttempts, long expiredByTime, @Nullable SpoolDescriptor spool) {

		static QueueDescriptor of(QueueStatistics queue) {
			Spool<?> spool = queue.getSpool();
			return new QueueDescriptor(queue.getQueueSize(), queue.getDroppedCount(), queue.getSentCount(),
					queue.getFailedCount(), queue.getRetriedCount(), queue.getExpiredByAttemptsCount(),
					queue.getExpiredByTimeCount(), (spool != null) ? SpoolDescriptor.of(spool) : null);
		}

	}

	/**
	 * A send queue's delivery spool.
	 *
	 * @param bytes bytes of items on disk
	 * @param oldest about when the oldest item on disk was written, or {@code null} when none
	 * @param spooled items written to disk
	 * @param replayed items read back to be sent
	 * @param droppedTooOld items dropped for being older than the max age
	 * @param droppedSpoolFull items dropped because the spool (or the disk) was full
	 * @param corrupt corrupt or torn items skipped
	 */
	public record SpoolDescriptor(long bytes, @Nullable Instant oldest, long spooled, long replayed,
			long droppedTooOld, long droppedSpoolFull, long corrupt) {

		static SpoolDescriptor of(Spool<?> spool) {
			long oldest = spool.getOldestMillis();
			return new SpoolDescriptor(spool.getBytes(), (oldest != 0) ? Instant.ofEpochMilli(oldest) : null,
					spool.getSpooledCount(), spool.getReplayedCount(), spool.getDroppedTooOldCount(),
					spool.getDroppedFullCount(), spool.getCorruptCount());
		}

	}

}
