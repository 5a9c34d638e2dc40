package com.fallom.models;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fallom.CapturedLogs;
import com.fallom.internal.FallomHttpClient;
import com.fallom.sync.SnapshotFile;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigRefresher} against a {@link FallomMockServer} over real HTTP.
 */
@ExtendWith(CapturedLogs.Extension.class)
class ConfigRefresherTests {

	private static final ModelConfig BOOTSTRAP = new ModelConfig("support", 1, List.of(new ModelVariant("local", 100)),
			ConfigOrigin.BOOTSTRAP);

	private FallomMockServer server;

	private FallomHttpClient client;

	private ModelConfigRegistry registry;

	private ConfigRefresher refresher;

	@BeforeEach
	void startServer() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofMillis(500));
		this.registry = new ModelConfigRegistry(List.of(BOOTSTRAP), null);
	}

	@AfterEach
	void stop() {
		if (this.refresher != null) {
			this.refresher.stop();
		}
		this.client.close();
		this.server.close();
	}

	private ConfigRefresher refresher(Duration interval, SnapshotFile snapshotFile) {
		this.refresher = new ConfigRefresher(this.client, this.registry, interval, Duration.ofSeconds(2), snapshotFile,
				Clock.systemUTC());
		return this.refresher;
	}

	private static Map<String, Number> weights(String first, Number w1, String second, Number w2) {
		Map<String, Number> weights = new LinkedHashMap<>();
		weights.put(first, w1);
		weights.put(second, w2);
		return weights;
	}

	@Test
	void startFetchesConfigsBeforeReturning() {
		this.server.putConfig("support", 2, weights("gpt-4o", 50, "claude-3-5-sonnet", 50));
		refresher(Duration.ofMinutes(1), null).start();
		ModelConfig config = this.registry.getLatest("support");
		assertThat(config.getVersion()).isEqualTo(2);
		assertThat(config.getOrigin()).isEqualTo(ConfigOrigin.FETCHED);
		assertThat(this.server.requests(Endpoint.CONFIGS).get(0).header("Authorization"))
			.isEqualTo("Bearer " + FallomMockServer.DEFAULT_API_KEY);
		assertThat(this.refresher.getStatus().hasSucceeded()).isTrue();
	}

	@Test
	void scheduledRefreshPicksUpANewVersion() {
		this.server.putConfig("support", 1, weights("gpt-4o", 100, "o1", 0));
		refresher(Duration.ofMillis(100), null).start();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(1);
		this.server.putConfig("support", 2, weights("gpt-4o", 0, "o1", 100));
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.registry.getLatest("support").getVersion() == 2);
		assertThat(this.registry.getLatest("support").modelAt(0)).isEqualTo("gpt-4o");
	}

	@Test
	void backendDownAtStartupKeepsServingBootstrapConfigs(CapturedLogs output) {
		this.server.close();
		refresher(Duration.ofMinutes(1), null).start();
		assertThat(this.registry.getLatest("support")).isSameAs(BOOTSTRAP);
		assertThat(this.refresher.getStatus().consecutiveFailures()).isEqualTo(1);
		assertThat(output).contains("Fallom config sync from").contains("serving 1 bootstrap config(s)");
	}

	@Test
	void snapshotServesLastGoodConfigsAfterARestartDuringAnOutage(@TempDir Path directory) throws Exception {
		Path file = directory.resolve("fallom/configs.json");
		this.server.putConfig("support", 7, weights("gpt-4o", 50, "claude-3-5-sonnet", 50));
		refresher(Duration.ofMinutes(1), new SnapshotFile(file)).start();
		this.refresher.stop();
		assertThat(file).exists();
		this.server.fault(Endpoint.CONFIGS, Fault.status(503));
		// A new process: the snapshot wins over bootstrap while the backend is down.
		ConfigState snapshot = ConfigRefresher.readSnapshot(new SnapshotFile(file));
		this.registry = new ModelConfigRegistry(List.of(BOOTSTRAP), snapshot);
		refresher(Duration.ofMinutes(1), new SnapshotFile(file)).start();
		ModelConfig config = this.registry.getLatest("support");
		assertThat(config.getVersion()).isEqualTo(7);
		assertThat(config.getOrigin()).isEqualTo(ConfigOrigin.SNAPSHOT);
		assertThat(Files.readString(file)).contains("\"version\":7");
	}

	@Test
	void invalidUpdateAfterARestartFromTheSnapshotKeepsTheSnapshotVersionAndSaysSo(@TempDir Path directory,
			CapturedLogs output) {
		Path file = directory.resolve("configs.json");
		this.server.putConfig("support", 7, weights("gpt-4o", 50, "claude-3-5-sonnet", 50));
		refresher(Duration.ofMinutes(1), new SnapshotFile(file)).start();
		this.refresher.stop();
		// A new process starts from the snapshot; the backend now sends an invalid version.
		this.server.putConfig("{\"key\": \"support\", \"version\": 8, \"variants\": []}");
		this.registry = new ModelConfigRegistry(List.of(BOOTSTRAP), ConfigRefresher.readSnapshot(new SnapshotFile(file)));
		refresher(Duration.ofMinutes(1), new SnapshotFile(file)).start();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(7);
		assertThat(output.toString()).contains("Skipping invalid Fallom config 'support'")
			.contains("keeping its last good version");
	}

	@Test
	void keepsLastGoodConfigsWhenBackendFails(CapturedLogs output) {
		this.server.putConfig("support", 3, weights("gpt-4o", 50, "o1", 50));
		refresher(Duration.ofMinutes(1), null).start();
		ModelConfig good = this.registry.getLatest("support");
		for (Fault fault : List.of(Fault.status(500), Fault.malformedBody(), Fault.delay(Duration.ofSeconds(2)),
				Fault.status(401))) {
			this.server.fault(Endpoint.CONFIGS, fault);
			assertThat(this.refresher.refreshNow()).as(fault.toString()).isFalse();
			assertThat(this.registry.getLatest("support")).isSameAs(good);
		}
		assertThat(this.refresher.getStatus().consecutiveFailures()).isEqualTo(4);
		assertThat(output.toString().split("Fallom config sync from", -1)).as("one WARN when failures begin").hasSize(2);
		this.server.clearFaults();
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(output).contains("Fallom config sync recovered after 4 failure(s)");
		assertThat(output).doesNotContain(FallomMockServer.DEFAULT_API_KEY);
	}

	@Test
	void invalidConfigIsSkippedAloneAndItsLastGoodVersionKept(CapturedLogs output) {
		this.server.putConfig("support", 1, weights("gpt-4o", 100, "o1", 0));
		this.server.putConfig("other", 1, weights("a", 100, "b", 0));
		refresher(Duration.ofMinutes(1), null).start();
		this.server.putConfig("{\"key\": \"support\", \"version\": 2, \"variants\": []}");
		this.server.putConfig("other", 2, weights("a", 0, "b", 100));
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(1);
		assertThat(this.registry.getLatest("other").getVersion()).isEqualTo(2);
		assertThat(output.toString().split("Skipping invalid Fallom config 'support'", -1)).hasSize(2);
	}

	@Test
	void configWithMalformedTargetingIsSkippedAloneWithOneWarnAndItsLastGoodVersionKept(CapturedLogs output) {
		this.server.putConfig("support", 1, weights("gpt-4o", 100, "o1", 0));
		this.server.putConfig("other", 1, weights("a", 100, "b", 0));
		refresher(Duration.ofMinutes(1), null).start();
		this.server.putConfig("""
				{"key": "support", "version": 2, "variants": [{"model": "gpt-4o", "weight": 100}],
				 "targeting": {"rules": ["not a rule"]}}""");
		this.server.putConfig("other", 2, weights("a", 0, "b", 100));
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(1);
		assertThat(this.registry.getLatest("other").getVersion()).isEqualTo(2);
		assertThat(output.toString().split("Skipping invalid Fallom config 'support'", -1)).hasSize(2);
		assertThat(output).contains("'targeting.rules[0]' is not a JSON object");
	}

	@Test
	void sendsIfNoneMatchAndTreats304AsUnchangedAndFresh() {
		this.server.putConfig("support", 4, weights("gpt-4o", 50, "o1", 50));
		refresher(Duration.ofMinutes(1), null).start();
		ConfigState first = this.registry.getState();
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.server.requests(Endpoint.CONFIGS)).hasSize(2);
		String etag = this.server.requests(Endpoint.CONFIGS).get(1).header("If-None-Match");
		assertThat(etag).isNotBlank();
		assertThat(this.registry.getState().configs()).isEqualTo(first.configs());
		// "Not modified" means current: the age restarts.
		assertThat(this.registry.getState().updatedAt()).isEqualTo(this.refresher.getStatus().lastSuccess())
			.isAfterOrEqualTo(first.updatedAt());
		assertThat(this.refresher.getStatus().successes()).isEqualTo(2);
	}

	@Test
	void stopEndsTheRefreshThread() {
		// Other tests' contexts may own refresh threads of their own: only ours must end.
		Set<Thread> before = refreshThreads();
		refresher(Duration.ofMillis(50), null).start();
		assertThat(this.refresher.isRunning()).isTrue();
		assertThat(refreshThreads()).isNotEqualTo(before);
		this.refresher.stop();
		assertThat(this.refresher.isRunning()).isFalse();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(3))
			.until(() -> before.containsAll(refreshThreads()));
	}

	private static Set<Thread> refreshThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("fallom-sync-config"))
			.collect(Collectors.toSet());
	}

}
