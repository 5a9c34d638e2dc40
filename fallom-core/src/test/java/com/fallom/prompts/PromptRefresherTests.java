package com.fallom.prompts;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.CapturedLogs;
import com.fallom.internal.FallomHttpClient;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.sync.OnDemandSync;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PromptRefresher} over real HTTP against a {@link FallomMockServer}.
 */
@ExtendWith(CapturedLogs.Extension.class)
class PromptRefresherTests {

	private static final String SUMMARY_TEST = """
			{"key": "summary-test", "version": 1, "variants": [
			  {"prompt_key": "summary", "prompt_version": 1, "weight": 50},
			  {"prompt_key": "summary", "prompt_version": null, "weight": 50}]}""";

	private FallomMockServer server;

	private FallomHttpClient client;

	private PromptRefresher refresher;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofMillis(500));
	}

	@AfterEach
	void stop() {
		if (this.refresher != null) {
			this.refresher.close();
		}
		this.client.close();
		this.server.close();
	}

	private FallomPrompts startRefresher(PromptRegistry registry, SnapshotFile snapshotFile) {
		this.refresher = new PromptRefresher(this.client, registry, Duration.ofMinutes(1), Duration.ofSeconds(2),
				snapshotFile, Clock.systemUTC(), List.of());
		this.refresher.start();
		return new FallomPrompts(registry);
	}

	@Test
	void servesPromptsAndTestsOfTheFirstSyncWithoutIoOnTheRequestPath() {
		this.server.putPrompt("summary", 1, "Summarize for {{audience}}.", "{{text}}")
			.putPrompt("summary", 2, "v2 for {{audience}}.", "Text: {{text}}")
			.putPromptAbTest(SUMMARY_TEST);
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		int requests = this.server.requests().size();

		assertThat(prompts.get("summary", Map.of("text", "T")).user()).isEqualTo("Text: T");
		assertThat(prompts.get("summary", Map.of("text", "T"), 1).user()).isEqualTo("T");
		assertThat(prompts.getAb("summary-test", "user-1", null).abTestKey()).isEqualTo("summary-test");
		assertThatExceptionOfType(PromptNotFoundException.class).isThrownBy(() -> prompts.get("unknown", null));
		assertThat(this.server.requests()).hasSize(requests);
		assertThat(this.server.requests(Endpoint.PROMPTS)).hasSize(1);
		assertThat(this.server.requests(Endpoint.PROMPT_AB_TESTS)).hasSize(1);
	}

	@Test
	void skipsAMalformedPromptAndTestAloneWithOneWarnEach(CapturedLogs logs) {
		this.server.putPrompt("good", 1, "s", "u")
			.putPromptJson("{\"key\": \"broken\", \"version\": 1, \"system_prompt\": 7, \"user_template\": \"u\"}")
			.putPromptAbTest("{\"key\": \"broken-test\", \"version\": 1, \"variants\": []}")
			.putPromptAbTest("{\"key\": \"good-test\", \"variants\": [{\"prompt_key\": \"good\", \"weight\": 100}]}");
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		this.refresher.refreshNow();

		assertThat(prompts.get("good", null).system()).isEqualTo("s");
		assertThat(prompts.getAb("good-test", "s1", null).key()).isEqualTo("good");
		assertThat(prompts.get("broken", null, PromptFallback.of("fs", "fu")).isManaged()).isFalse();
		assertThat(logs.count("Skipping invalid Fallom prompt 'broken' ('system_prompt' is not a string)"))
			.isEqualTo(1);
		assertThat(logs.count("Skipping invalid Fallom prompt A/B test 'broken-test' ('variants' is empty)"))
			.isEqualTo(1);
	}

	@Test
	void keepsTheLastGoodVersionOfAPromptThatTurnsMalformed(CapturedLogs logs) {
		this.server.putPrompt("greeting", 1, "s", "Hi {{name}}");
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		this.server.clearPrompts();
		this.server.putPromptJson("{\"key\": \"greeting\", \"version\": 2, \"system_prompt\": \"s\"}");
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(prompts.get("greeting", Map.of("name", "Jo")).user()).isEqualTo("Hi Jo");
		assertThat(logs.count("'greeting' ('user_template' is missing); keeping its last good version")).isEqualTo(1);
	}

	@Test
	void keepsServingWhenTheBackendFailsOrSendsGarbage() {
		this.server.putPrompt("greeting", 1, "s", "u").putPromptAbTest(
				"{\"key\": \"t\", \"variants\": [{\"prompt_key\": \"greeting\", \"weight\": 100}]}");
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		this.server.fault(Endpoint.PROMPTS, Fault.status(503)).fault(Endpoint.PROMPT_AB_TESTS, Fault.malformedBody());
		assertThat(this.refresher.refreshNow()).isFalse();
		assertThat(prompts.get("greeting", null).version()).isEqualTo(1);
		assertThat(prompts.getAb("t", "s1", null).version()).isEqualTo(1);
		assertThat(this.refresher.getPromptStatus().lastFailureReason()).isEqualTo("HTTP 503");
		assertThat(this.refresher.getAbTestStatus().lastFailureReason()).startsWith("malformed response");
	}

	@Test
	void servesBootstrapPromptsUntilTheFirstSyncReplacesThem() {
		this.server.fault(Endpoint.PROMPTS, Fault.status(503)).fault(Endpoint.PROMPT_AB_TESTS, Fault.status(503));
		PromptRegistry registry = new PromptRegistry(List.of(new PromptVersion("greeting", 1, "bootstrap", "u")),
				List.of());
		FallomPrompts prompts = startRefresher(registry, null);
		assertThat(prompts.get("greeting", null).system()).isEqualTo("bootstrap");
		this.server.clearFaults();
		this.server.putPrompt("greeting", 4, "fetched", "u");
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(prompts.get("greeting", null).system()).isEqualTo("fetched");
		assertThat(prompts.get("greeting", null, 1).system()).as("kept for pinning").isEqualTo("bootstrap");
	}

	@Test
	void writesSnapshotsBesideTheConfigSnapshotAndServesThemOnRestartWhileTheBackendIsDown(@TempDir Path directory)
			throws Exception {
		SnapshotFile snapshotFile = new SnapshotFile(directory.resolve("fallom-configs.json"));
		this.server.putPrompt("greeting", 1, "s1", "u1")
			.putPrompt("greeting", 2, "s2", "u2")
			.putPromptAbTest(
					"{\"key\": \"t\", \"variants\": [{\"prompt_key\": \"greeting\", \"prompt_version\": 1, \"weight\": 100}]}");
		startRefresher(new PromptRegistry(), snapshotFile);
		this.refresher.close();
		assertThat(Files.exists(directory.resolve("fallom-configs.json.prompts"))).isTrue();
		assertThat(Files.exists(directory.resolve("fallom-configs.json.prompt-ab-tests"))).isTrue();

		this.server.fault(Endpoint.PROMPTS, Fault.status(503)).fault(Endpoint.PROMPT_AB_TESTS, Fault.status(503));
		PromptRegistry restarted = new PromptRegistry(List.of(new PromptVersion("bootstrap-only", 1, "s", "u")),
				List.of());
		assertThat(PromptRefresher.readSnapshot(snapshotFile, restarted)).isTrue();
		FallomPrompts prompts = startRefresher(restarted, snapshotFile);
		assertThat(prompts.get("greeting", null).system()).isEqualTo("s2");
		assertThat(prompts.get("greeting", null, 1).system()).isEqualTo("s1");
		assertThat(prompts.getAb("t", "s1", null).system()).isEqualTo("s1");
		assertThat(prompts.get("bootstrap-only", null, PromptFallback.of("f", "f")).isManaged())
			.as("a snapshot replaces the bootstrap prompts")
			.isFalse();
	}

	@Test
	void readingAMissingOrUnreadableSnapshotLeavesTheRegistryAsItIs(@TempDir Path directory, CapturedLogs logs)
			throws Exception {
		SnapshotFile snapshotFile = new SnapshotFile(directory.resolve("configs.json"));
		PromptRegistry registry = new PromptRegistry(List.of(new PromptVersion("a", 1, "s", "u")), List.of());
		assertThat(PromptRefresher.readSnapshot(snapshotFile, registry)).isFalse();
		Files.writeString(directory.resolve("configs.json.prompts"), "<html>");
		assertThat(PromptRefresher.readSnapshot(snapshotFile, registry)).isFalse();
		assertThat(registry.snapshot().prompt("a")).isNotNull();
		assertThat(logs.count("Ignoring unreadable Fallom prompt snapshot")).isEqualTo(1);
	}

	@Test
	void abTestNamingAPromptVersionNotSyncedYetFetchesThePromptsFirst() {
		this.server.putPrompt("summary", 1, "s1", "u1").putPromptAbTest(SUMMARY_TEST);
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		this.server.putPrompt("summary", 5, "s5", "u5")
			.putPromptAbTest("{\"key\": \"summary-test\", \"version\": 2, \"variants\": "
					+ "[{\"prompt_key\": \"summary\", \"prompt_version\": 5, \"weight\": 100}]}");
		assertThat(this.refresher.refreshAbTestsNow()).isTrue();
		assertThat(this.server.requests(Endpoint.PROMPTS)).hasSize(2);
		assertThat(prompts.getAb("summary-test", "s1", null).system()).isEqualTo("s5");
	}

	@Test
	void abTestNamingKnownPromptsDoesNotFetchThePrompts() {
		this.server.putPrompt("summary", 1, "s1", "u1").putPromptAbTest(SUMMARY_TEST);
		startRefresher(new PromptRegistry(), null);
		// The first syncs of both endpoints run at once: when the A/B tests' comes first,
		// it fetches the prompts itself. Only what this refresh sends counts.
		int promptFetches = this.server.requests(Endpoint.PROMPTS).size();
		int abTestFetches = this.server.requests(Endpoint.PROMPT_AB_TESTS).size();
		assertThat(this.refresher.refreshAbTestsNow()).isTrue();
		assertThat(this.server.requests(Endpoint.PROMPTS)).hasSize(promptFetches);
		assertThat(this.server.requests(Endpoint.PROMPT_AB_TESTS)).hasSize(abTestFetches + 1);
	}

	@Test
	void sendsTheLastEtagAndKeepsServingOnNotModified() {
		this.server.etags(true).putPrompt("greeting", 1, "s", "u");
		FallomPrompts prompts = startRefresher(new PromptRegistry(), null);
		assertThat(this.refresher.refreshNow()).isTrue();
		assertThat(this.server.requests(Endpoint.PROMPTS).get(1).headers().get("if-none-match")).isNotNull();
		assertThat(prompts.get("greeting", null).version()).isEqualTo(1);
	}

	@Test
	void testNamingAnUnknownPromptDoesNotFetchThePromptsWhileTheyAreBackingOff() {
		this.server.fault(Endpoint.PROMPTS, Fault.status(429));
		startRefresher(new PromptRegistry(), null);
		int promptFetches = this.server.requests(Endpoint.PROMPTS).size();
		this.server.putPromptAbTest(SUMMARY_TEST);
		assertThat(this.refresher.refreshAbTestsNow()).isTrue();
		assertThat(this.server.requests(Endpoint.PROMPTS)).as("the prompts endpoint asked for a back-off")
			.hasSize(promptFetches);
		assertThat(this.refresher.requestPromptRefresh().result()).isEqualTo(OnDemandSync.Result.BACKING_OFF);
	}

}
