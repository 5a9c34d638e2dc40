package com.fallom.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomMockServerApplication}.
 */
class FallomMockServerApplicationTests {

	@Test
	void startsOnGivenPortWithConfigsFromFilesAndKeyFromEnvironment(@TempDir Path dir) throws IOException {
		Path single = Files.writeString(dir.resolve("single.json"),
				"{\"key\": \"one\", \"version\": 2, \"variants\": [{\"model\": \"gpt-4o\", \"weight\": 100}]}");
		Path list = Files.writeString(dir.resolve("list.json"),
				"{\"configs\": [{\"key\": \"two\", \"variants\": []}, {\"key\": \"three\", \"variants\": []}]}");
		try (FallomMockServer server = FallomMockServerApplication
			.start(new String[] { "0", single.toString(), list.toString() }, "env-key")) {
			assertThat(server.apiKey()).isEqualTo("env-key");
			TestHttp http = new TestHttp(server);
			assertThat(http.get("/configs/one/version/2").statusCode()).isEqualTo(200);
			assertThat(http.get("/configs/two/version/1").statusCode()).isEqualTo(200);
			assertThat(http.get("/configs/three/version/1").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void usesDefaultApiKeyWithoutEnvironmentKey() {
		try (FallomMockServer server = FallomMockServerApplication.start(new String[] { "0" }, null)) {
			assertThat(server.apiKey()).isEqualTo(FallomMockServer.DEFAULT_API_KEY);
		}
	}

}
