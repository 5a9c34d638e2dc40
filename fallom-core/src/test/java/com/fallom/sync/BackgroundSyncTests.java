package com.fallom.sync;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fallom.CapturedLogs;
import com.fallom.internal.FallomHttpClient;
import com.fallom.internal.UncheckedKeys;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BackgroundSync} with a resource of its own (config keys whose first
 * variant model is "bad" are invalid), over real HTTP against a {@link FallomMockServer}:
 * the generic back-off, ETag, skip-bad-item and logging behaviour, tested once here for
 * every synced resource.
 */
@ExtendWith(CapturedLogs.Extension.class)
class BackgroundSyncTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private FallomMockServer server;

	private FallomHttpClient client;

	private final Keys keys = new Keys();

	private final List<SyncOutcome> outcomes = new CopyOnWriteArrayList<>();

	private BackgroundSync<List<String>> sync;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofMillis(500));
	}

	@AfterEach
	void stop() {
		if (this.sync != null) {
			this.sync.close();
		}
		this.client.close();
		this.server.close();
	}

	private BackgroundSync<List<String>> sync(SnapshotFile snapshotFile) {
		this.sync = new BackgroundSync<>(this.client, this.keys, Duration.ofMinutes(1), Duration.ofSeconds(2),
				snapshotFile, Clock.systemUTC(), List.of((outcome, duration) -> this.outcomes.add(outcome)));
		return this.sync;
	}

	@Test
	void startWaitsForTheFirstSyncAndAppliesIt() {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).start();
		assertThat(this.keys.served).containsExactly("a");
		assertThat(this.sync.getStatus().successes()).isEqualTo(1);
		assertThat(this.outcomes).containsExactly(SyncOutcome.UPDATED);
	}

	@Test
	void startInBackgroundReturnsAtOnceWithTheFirstSyncToAwait(CapturedLogs logs) throws Exception {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		this.server.fault(Endpoint.CONFIGS, Fault.delay(Duration.ofMinutes(5)).times(1));
		Future<?> first = sync(null).startInBackground();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.requestCount(Endpoint.CONFIGS) == 1);
		assertThat(first).isNotDone();
		assertThat(this.sync.startInBackground()).as("starting twice").isSameAs(first);
		assertThat(this.sync.awaitFirstSync(Duration.ZERO)).isFalse();
		assertThat(logs.count("WARNING Fallom keys not fetched within the start-up timeout")).isEqualTo(1);
		assertThat(this.keys.served).isEmpty();
	}

	@Test
	void listenersAddedBeforeTheOwnerStartsAreToldOfTheSyncsSinceAnEarlyStartOnce() throws Exception {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).startEarly().get(10, TimeUnit.SECONDS);
		List<SyncOutcome> bound = new CopyOnWriteArrayList<>();
		// Added after the early sync, as metrics bound before the owner starts are
		this.sync.addListener((outcome, duration) -> bound.add(outcome));
		assertThat(bound).containsExactly(SyncOutcome.UPDATED);
		this.sync.endEarlySyncs();
		List<SyncOutcome> late = new CopyOnWriteArrayList<>();
		this.sync.addListener((outcome, duration) -> late.add(outcome));
		assertThat(late).isEmpty();
		this.sync.syncNow();
		assertThat(bound).containsExactly(SyncOutcome.UPDATED, SyncOutcome.NOT_MODIFIED);
		assertThat(late).containsExactly(SyncOutcome.NOT_MODIFIED);
		assertThat(this.outcomes).containsExactly(SyncOutcome.UPDATED, SyncOutcome.NOT_MODIFIED);
	}

	@Test
	void listenersAddedAfterAPlainStartAreToldOnlyOfTheSyncsAfterThem() throws Exception {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).startInBackground().get(10, TimeUnit.SECONDS);
		List<SyncOutcome> late = new CopyOnWriteArrayList<>();
		this.sync.addListener((outcome, duration) -> late.add(outcome));
		assertThat(late).isEmpty();
	}

	@Test
	void awaitFirstSyncWithoutAStartDoesNotWait() {
		assertThat(sync(null).awaitFirstSync(Duration.ofMinutes(5))).isFalse();
		assertThat(this.sync.isRunning()).isFalse();
	}

	@Test
	void sendsTheLastEtagAndConfirmsOnNotModified() {
		this.server.etags(true).putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).start();
		assertThat(this.sync.syncNow()).isTrue();
		assertThat(this.outcomes).containsExactly(SyncOutcome.UPDATED, SyncOutcome.NOT_MODIFIED);
		assertThat(this.keys.confirmations).isEqualTo(1);
		assertThat(this.server.requests(Endpoint.CONFIGS).get(1).headers().get("if-none-match")).isNotNull();
	}

	@Test
	void refusalIsCountedWithoutTouchingWhatIsServed(CapturedLogs logs) {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).start();
		this.server.fault(Endpoint.CONFIGS, Fault.status(503));
		assertThat(this.sync.syncNow()).isFalse();
		assertThat(this.sync.syncNow()).isFalse();
		assertThat(this.outcomes).containsExactly(SyncOutcome.UPDATED, SyncOutcome.REFUSED, SyncOutcome.REFUSED);
		assertThat(this.keys.served).containsExactly("a");
		assertThat(this.sync.getStatus().consecutiveFailures()).isEqualTo(2);
		assertThat(this.sync.getStatus().lastFailureReason()).isEqualTo("HTTP 503");
		assertThat(logs.count("WARNING Fallom key sync from")).as("one WARN when failures begin").isEqualTo(1);
		this.server.clearFaults();
		assertThat(this.sync.syncNow()).isTrue();
		assertThat(logs.count("INFO Fallom key sync recovered after 2 failure(s)")).isEqualTo(1);
	}

	@Test
	void malformedBodyFailsTheSyncAndKeepsTheLastGoodState() {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).start();
		this.server.fault(Endpoint.CONFIGS, Fault.malformedBody());
		assertThat(this.sync.syncNow()).isFalse();
		assertThat(this.outcomes).containsExactly(SyncOutcome.UPDATED, SyncOutcome.FAILED);
		assertThat(this.sync.getStatus().lastFailureReason()).startsWith("malformed response");
		assertThat(this.keys.served).containsExactly("a");
	}

	@Test
	void invalidItemIsSkippedAloneWithOneWarnThatSaysWhetherItsLastGoodVersionIsKept(CapturedLogs logs) {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100)).putConfig("b", 1, Map.of("bad", 100));
		sync(null).start();
		assertThat(this.keys.served).containsExactly("a");
		assertThat(logs.count("Skipping invalid Fallom key 'b' (first model is bad)")).isEqualTo(1);
		assertThat(logs.toString()).doesNotContain("keeping its last good version");
		this.server.putConfig("b", 2, Map.of("gpt-4o", 100));
		this.sync.syncNow();
		this.server.putConfig("b", 3, Map.of("bad", 100));
		this.sync.syncNow();
		this.sync.syncNow();
		assertThat(this.keys.served).containsExactly("a", "b");
		assertThat(logs.count("Skipping invalid Fallom key 'b' (first model is bad); keeping its last good version"))
			.as("one WARN per bad item, not one per sync")
			.isEqualTo(1);
	}

	@Test
	void everyGoodBodyIsWrittenToTheSnapshotFile(@TempDir Path directory) throws Exception {
		SnapshotFile file = new SnapshotFile(directory.resolve("nested/keys.json"));
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(file).start();
		assertThat(Files.readString(file.getPath())).isEqualTo("a");
		this.server.fault(Endpoint.CONFIGS, Fault.status(500));
		this.sync.syncNow();
		assertThat(Files.readString(file.getPath())).isEqualTo("a");
		assertThat(file.read().body()).containsExactly('a');
		assertThat(file.sibling(".prompts").getPath()).hasFileName("keys.json.prompts");
	}

	@Test
	void keyWithAControlCharacterThatReachedTheTransportIsAFailedSyncThatNeverShowsTheKey(CapturedLogs logs) {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		// As a key with a control character would reach the transport if it were not
		// checked first: sent as it is (line breaks would be blanked), so refused
		String key = "secret-key-0123456789";
		UncheckedKeys.useKey(this.client, key + "\u0007");
		sync(null).start();
		assertThat(this.sync.syncNow()).isFalse();
		SyncStatus status = this.sync.getStatus();
		assertThat(status.consecutiveFailures()).isEqualTo(2);
		assertThat(status.failures()).isEqualTo(2);
		assertThat(status.lastFailure()).isNotNull();
		assertThat(status.lastFailureReason()).isEqualTo("HTTP 401");
		assertThat(this.outcomes).containsExactly(SyncOutcome.REFUSED, SyncOutcome.REFUSED);
		assertThat(logs.count("WARNING Fallom key sync from")).isEqualTo(1);
		assertThat(logs.toString()).doesNotContain("secret-key");
		UncheckedKeys.useKey(this.client, this.server.apiKey());
		assertThat(this.sync.syncNow()).as("nothing left in progress").isTrue();
		assertThat(this.keys.served).containsExactly("a");
	}

	@Test
	void syncOnDemandDuringABackOffDoesNotReachTheBackend() {
		this.server.putConfig("a", 1, Map.of("gpt-4o", 100));
		sync(null).start();
		this.server.fault(Endpoint.CONFIGS, Fault.status(503));
		OnDemandSync refused = this.sync.requestSync();
		assertThat(refused.result()).isEqualTo(OnDemandSync.Result.FAILED);
		// The interval (1 min) doubled once.
		assertThat(refused.backoffUntil()).isAfter(Instant.now().plusSeconds(100));
		int requests = this.server.requestCount(Endpoint.CONFIGS);
		OnDemandSync skipped = this.sync.requestSync();
		assertThat(skipped.result()).isEqualTo(OnDemandSync.Result.BACKING_OFF);
		assertThat(skipped.backoffUntil()).isEqualTo(refused.backoffUntil());
		assertThat(this.sync.getBackoffUntil()).isEqualTo(refused.backoffUntil());
		assertThat(this.server.requestCount(Endpoint.CONFIGS)).isEqualTo(requests);
		this.server.clearFaults();
		assertThat(this.sync.syncNow()).as("a forced sync ignores the back-off").isTrue();
		assertThat(this.sync.getBackoffUntil()).isNull();
		assertThat(this.sync.requestSync().result()).isEqualTo(OnDemandSync.Result.SUCCEEDED);
	}

	@Test
	void backsOffOnRefusalsUpToAFewMinutes() {
		Duration interval = Duration.ofSeconds(30);
		assertThat(BackgroundSync.delayAfter(false, 5, interval)).isEqualTo(interval);
		assertThat(BackgroundSync.delayAfter(true, 1, interval)).isEqualTo(Duration.ofSeconds(60));
		assertThat(BackgroundSync.delayAfter(true, 3, interval)).isEqualTo(Duration.ofSeconds(240));
		assertThat(BackgroundSync.delayAfter(true, 30, interval)).isEqualTo(Duration.ofMinutes(5));
		assertThat(BackgroundSync.delayAfter(true, 30, Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void honoursRetryAfterInSecondsWithinTheBackOffCap() {
		Duration interval = Duration.ofSeconds(30);
		assertThat(BackgroundSync.parseRetryAfter(" 120 ")).isEqualTo(Duration.ofSeconds(120));
		assertThat(BackgroundSync.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isNull();
		assertThat(BackgroundSync.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT")).isPositive();
		assertThat(BackgroundSync.honourRetryAfter(Duration.ofSeconds(60),
				BackgroundSync.parseRetryAfter("99999999999999999999999"), interval))
			.isEqualTo(Duration.ofMinutes(5));
		assertThat(BackgroundSync.parseRetryAfter(null)).isNull();
		assertThat(BackgroundSync.honourRetryAfter(Duration.ofSeconds(60), Duration.ofSeconds(120), interval))
			.isEqualTo(Duration.ofSeconds(120));
		assertThat(BackgroundSync.honourRetryAfter(Duration.ofSeconds(60), Duration.ofSeconds(5), interval))
			.isEqualTo(Duration.ofSeconds(60));
		assertThat(BackgroundSync.honourRetryAfter(Duration.ofSeconds(60), Duration.ofHours(2), interval))
			.isEqualTo(Duration.ofMinutes(5));
	}

	/**
	 * The keys of the configs endpoint, as the simplest resource there is.
	 */
	static final class Keys implements SyncedResource<List<String>> {

		volatile List<String> served = List.of();

		volatile int confirmations;

		@Override
		public String path() {
			return "/configs";
		}

		@Override
		public String itemName() {
			return "key";
		}

		@Override
		public Parsed<List<String>> parse(byte[] body) {
			JsonNode configs;
			try {
				configs = mapper.readTree(body).get("configs");
			}
			catch (RuntimeException ex) {
				throw new MalformedResponseException("not JSON");
			}
			if (configs == null || !configs.isArray()) {
				throw new MalformedResponseException("no configs");
			}
			List<String> valid = new ArrayList<>();
			List<Rejected> rejected = new ArrayList<>();
			int index = 0;
			for (JsonNode config : configs) {
				String key = config.get("key").asString();
				if (config.get("variants").toString().contains("\"bad\"")) {
					rejected.add(new Rejected(key, index, "first model is bad"));
				}
				else {
					valid.add(key);
				}
				index++;
			}
			return new Parsed<>(valid, rejected);
		}

		@Override
		public Set<String> apply(Parsed<List<String>> parsed, Instant fetchedAt) {
			List<String> next = new ArrayList<>(parsed.value());
			Set<String> kept = new HashSet<>();
			for (Rejected rejected : parsed.rejected()) {
				if (this.served.contains(rejected.key())) {
					next.add(rejected.key());
					kept.add(rejected.key());
				}
			}
			next.sort(null);
			this.served = List.copyOf(next);
			return kept;
		}

		@Override
		public void confirm(Instant confirmedAt) {
			this.confirmations++;
		}

		@Override
		public byte[] snapshot() {
			return String.join(",", this.served).getBytes();
		}

		@Override
		public String describeServed() {
			return this.served.size() + " key(s)";
		}

	}

}
