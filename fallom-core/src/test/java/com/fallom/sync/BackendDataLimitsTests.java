package com.fallom.sync;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fallom.CapturedLogs;
import com.fallom.internal.FallomHttpClient;
import com.fallom.models.ConfigOrigin;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelVariant;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptRefresher;
import com.fallom.prompts.internal.PromptRegistry;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Absurd and hostile backend answers, served by a {@link FallomMockServer} over real HTTP
 * and read by the real syncs ({@link BackgroundSync} under the config and prompt
 * refreshers): each is refused with one WARN, within the read limits, and the last good
 * state stays served; backend text reaches log lines short and on one line.
 */
@ExtendWith(CapturedLogs.Extension.class)
class BackendDataLimitsTests {

	private static final ModelConfig BOOTSTRAP = new ModelConfig("support", 1, List.of(new ModelVariant("local", 100)),
			ConfigOrigin.BOOTSTRAP);

	private FallomMockServer server;

	private FallomHttpClient client;

	private ModelConfigRegistry registry;

	private ConfigRefresher configs;

	private PromptRefresher prompts;

	@BeforeEach
	void start() {
		this.server = FallomMockServer.start();
		this.client = new FallomHttpClient(URI.create(this.server.baseUrl()), this.server.apiKey(),
				Duration.ofSeconds(5));
		this.registry = new ModelConfigRegistry(List.of(BOOTSTRAP), null);
	}

	@AfterEach
	void stop() {
		if (this.configs != null) {
			this.configs.stop();
		}
		if (this.prompts != null) {
			this.prompts.stop();
		}
		this.client.close();
		this.server.close();
	}

	private void syncGoodConfig() {
		this.server.putConfig("support", 2, Map.of("gpt-4o", 100));
		this.configs = new ConfigRefresher(this.client, this.registry, Duration.ofMinutes(1), Duration.ofSeconds(5),
				null, Clock.systemUTC());
		this.configs.start();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(2);
	}

	private static String config(String key, int version, String weight) {
		return "{\"key\": \"" + key + "\", \"version\": " + version + ", \"variants\": [{\"model\": \"gpt-4o\", "
				+ "\"weight\": " + weight + "}]}";
	}

	@Test
	void keepsTheLastGoodConfigsWhenAKeyIsTenMegabytesLong(CapturedLogs logs) {
		syncGoodConfig();
		String hugeKey = "k".repeat(10 * 1024 * 1024);
		this.server.putConfig(config(hugeKey, 1, "100"));

		assertThat(this.configs.refreshNow()).isFalse();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(2);
		assertThat(this.registry.getLatest(hugeKey)).isNull();
		assertThat(logs.count("WARNING Fallom config sync from")).isEqualTo(1);
		assertThat(logs.toString()).contains("String value length").hasSizeLessThan(4096);
		assertThat(this.configs.refreshNow()).isFalse();
		assertThat(logs.count("WARNING")).as("one WARN while it lasts").isEqualTo(1);
	}

	@Test
	void skipsAConfigWhoseWeightStringHasFiveThousandDigitsAndKeepsItsLastGoodVersion(CapturedLogs logs) {
		syncGoodConfig();
		this.server.putConfig(config("support", 3, "\"1." + "0".repeat(5000) + "\""));
		this.server.putConfig(config("other", 1, "\"100\""));

		assertThat(this.configs.refreshNow()).isTrue();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(2);
		assertThat(this.registry.getLatest("other")).isNotNull();
		assertThat(logs.count("WARNING Skipping invalid Fallom config 'support' (variant 0 has a 'weight' that is "
				+ "not a number); keeping its last good version")).isEqualTo(1);
	}

	@Test
	void keepsTheLastGoodConfigsWhenTheBodyNestsTenThousandLevelsDeep(CapturedLogs logs) {
		syncGoodConfig();
		this.server.fault(Endpoint.CONFIGS,
				Fault.body("{\"configs\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}"));

		assertThat(this.configs.refreshNow()).isFalse();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(2);
		assertThat(logs.count("WARNING Fallom config sync from")).isEqualTo(1);
		assertThat(logs.toString()).contains("nesting depth");
	}

	@Test
	void keepsTheLastGoodConfigsWhenATargetingValueNestsAHundredLevelsDeep(CapturedLogs logs) {
		syncGoodConfig();
		this.server.putConfig("{\"key\": \"support\", \"version\": 3, \"variants\": [{\"model\": \"o1\", \"weight\": 100}],"
				+ " \"targeting\": {\"rules\": [{\"variantIndex\": 0, \"conditions\": [{\"field\": \"plan\", "
				+ "\"operator\": \"in\", \"value\": " + "[".repeat(100) + "]".repeat(100) + "}]}]}}");

		assertThat(this.configs.refreshNow()).isFalse();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(2);
		assertThat(logs.count("WARNING Fallom config sync from")).isEqualTo(1);
	}

	@Test
	void aBackendKeyWithALineBreakStaysOnOneLogLine(CapturedLogs logs) {
		syncGoodConfig();
		this.server.putConfig("{\"key\": \"evil\\n[FAKE] ERROR \\u001b[31mred\", \"version\": 1, \"variants\": []}");

		assertThat(this.configs.refreshNow()).isTrue();
		List<String> lines = logs.toString().lines().filter((line) -> line.contains("[FAKE] ERROR")).toList();
		assertThat(lines).singleElement()
			.satisfies((line) -> assertThat(line).startsWith("WARNING Skipping invalid Fallom config 'evil\\n[FAKE] ERROR "
					+ "\\u001b[31mred' ('variants' is empty)"));
		assertThat(logs.toString()).doesNotContain("\u001b");
	}

	@Test
	void aLongBackendValueIsCutShortInTheLogLine(CapturedLogs logs) {
		syncGoodConfig();
		this.server.fault(Endpoint.CONFIGS, Fault.body("{\"configs\": [" + config("support", 3, "1") + ", "
				+ "{\"key\": \"other\", \"version\": \"" + "9".repeat(100_000) + "\", \"variants\": []}]}"));

		assertThat(this.configs.refreshNow()).isTrue();
		assertThat(this.registry.getLatest("support").getVersion()).isEqualTo(3);
		List<String> lines = logs.toString().lines().filter((line) -> line.contains("'other'")).toList();
		assertThat(lines).singleElement().satisfies((line) -> {
			assertThat(line).contains("'version' must be a whole number of 1 or more, was \"999");
			assertThat(line).contains("more chars)").hasSizeLessThan(600);
		});
	}

	@Test
	void keepsTheLastGoodPromptsWhenATemplateIsTenMegabytesLong(CapturedLogs logs) {
		this.server.putPrompt("greeting", 1, "Be kind.", "Hello {{name}}");
		PromptRegistry promptRegistry = new PromptRegistry();
		this.prompts = new PromptRefresher(this.client, promptRegistry, Duration.ofMinutes(1), Duration.ofSeconds(5),
				null, Clock.systemUTC(), List.of());
		this.prompts.start();
		FallomPrompts served = new FallomPrompts(promptRegistry);
		assertThat(served.get("greeting", Map.of("name", "Ada")).user()).isEqualTo("Hello Ada");
		this.server.putPrompt("greeting", 2, "x".repeat(10 * 1024 * 1024), "Bye {{name}}");

		assertThat(this.prompts.refreshNow()).isFalse();
		assertThat(served.get("greeting", Map.of("name", "Ada")).user()).isEqualTo("Hello Ada");
		assertThat(logs.count("WARNING Fallom prompt sync from")).isEqualTo(1);
		assertThat(logs.toString()).hasSizeLessThan(4096);
	}

}
