package com.fallom.test.autoconfigure.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fallom.autoconfigure.FallomConnectionDetails;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.autoconfigure.AutoConfigureFallomMockServer;
import com.fallom.test.autoconfigure.FallomMockServerCustomizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.test.context.ContextConfiguration;

import static com.fallom.test.FallomAssertions.assertThat;
import static com.fallom.test.FallomMockServer.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A developer runs the tests with production settings in the shell: {@code FALLOM_API_KEY}
 * and {@code FALLOM_BASE_URL} on a production host. The production host names resolve to
 * loopback in this module's tests (see {@code src/test/hosts}), where a listener counts
 * every connection, so the test proves that nothing left for production.
 */
@SpringBootTest
@AutoConfigureFallomMockServer
@ContextConfiguration(initializers = ProductionEnvironmentTests.ProductionShell.class)
class ProductionEnvironmentTests {

	private static final ProductionListener production = new ProductionListener();

	@AfterAll
	static void closeProduction() throws IOException {
		production.close();
	}

	@Autowired
	private FallomMockServer mock;

	@Autowired
	private SupportAssistant assistant;

	@Autowired
	private FallomProperties properties;

	@Autowired
	private FallomConnectionDetails connectionDetails;

	@Test
	void talksOnlyToTheMockWhateverTheEnvironmentSays() throws IOException {
		// The environment did reach the app's properties ...
		assertThat(this.properties.getApiKey()).isEqualTo("production-key-from-the-shell");
		assertThat(this.properties.getBaseUrl()).isEqualTo(production.url("spans.fallom.com"));
		// ... and Fallom uses the mock instead
		assertThat(this.connectionDetails.getApiKey()).isEqualTo(this.mock.apiKey());
		assertThat(this.connectionDetails.getConfigsUrl()).hasToString(this.mock.baseUrl());
		assertThat(this.connectionDetails.getTracesUrl()).hasToString(this.mock.baseUrl());
		assertThat(this.connectionDetails.getPromptsUrl()).hasToString(this.mock.baseUrl());

		this.assistant.answer("env-session", "Hello");

		await().untilAsserted(() -> {
			assertThat(this.mock).recordedSession("env-session").withModel("claude-sonnet");
			assertThat(this.mock).receivedChatRecord().forSession("env-session").hasModel("gpt-4o-2024-08-06");
		});
		assertThat(this.mock.requestCount(Endpoint.CONFIGS)).isPositive();
		assertThat(this.mock).hasNoUnauthorizedRequests();
		assertThat(production.connections()).isZero();
		// ... where a request for production would have been counted
		try (Socket socket = new Socket("spans.fallom.com", production.port())) {
			await().until(() -> production.connections() == 1);
		}
	}

	@TestConfiguration
	static class Configs {

		@Bean
		FallomMockServerCustomizer configs() {
			return (mock) -> mock.putConfig("support", 1, variant("claude-sonnet", 100));
		}

	}

	/**
	 * Puts production settings where the shell's environment variables are.
	 */
	static class ProductionShell implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			Map<String, Object> variables = Map.of("FALLOM_API_KEY", "production-key-from-the-shell",
					"FALLOM_BASE_URL", production.url("spans.fallom.com"), "FALLOM_PROMPTS_URL",
					production.url("prompts.fallom.com"));
			context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		}

	}

	/**
	 * Stands in for production on loopback: accepts and counts connections.
	 */
	static final class ProductionListener implements AutoCloseable {

		private final ServerSocket socket;

		private final AtomicInteger connections = new AtomicInteger();

		ProductionListener() {
			try {
				this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			Thread acceptor = new Thread(this::accept, "production-listener");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try (Socket connection = this.socket.accept()) {
					this.connections.incrementAndGet();
				}
				catch (IOException ex) {
					// closed
				}
			}
		}

		String url(String host) {
			return "http://" + host + ":" + this.socket.getLocalPort();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		int connections() {
			return this.connections.get();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
