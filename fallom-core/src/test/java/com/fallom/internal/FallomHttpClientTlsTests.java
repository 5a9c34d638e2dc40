package com.fallom.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that {@link FallomHttpClient} speaks TLS as the JDK's own client does: the JVM's
 * default trust, and the host name checked against the server's certificate. Real TLS
 * over loopback, with certificates made by {@code keytool}.
 */
class FallomHttpClientTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path directory;

	private static SSLContext defaultContext;

	private static HttpsServer forLocalhost;

	private static HttpsServer forAnotherHost;

	private static HttpsServer untrusted;

	private static final List<String> authorizations = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startServers() throws Exception {
		KeyStore localhost = keyStore("localhost", "SAN=dns:localhost,ip:127.0.0.1");
		KeyStore another = keyStore("another", "SAN=dns:another.example");
		KeyStore stranger = keyStore("stranger", "SAN=dns:localhost,ip:127.0.0.1");
		forLocalhost = start(localhost);
		forAnotherHost = start(another);
		untrusted = start(stranger);
		// The client trusts what the JVM trusts: make that the first two certificates
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("localhost", localhost.getCertificate("localhost"));
		trusted.setCertificateEntry("another", another.getCertificate("another"));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		defaultContext = SSLContext.getDefault();
		SSLContext.setDefault(context);
	}

	@AfterAll
	static void stopServers() {
		SSLContext.setDefault(defaultContext);
		forLocalhost.stop(0);
		forAnotherHost.stop(0);
		untrusted.stop(0);
	}

	@Test
	void sendsOverTlsToAServerWhoseCertificateNamesItsHost() throws Exception {
		try (FallomHttpClient client = client(forLocalhost)) {
			FallomHttpClient.Response response = client.get("/configs", null);
			assertThat(response.status()).isEqualTo(200);
			assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"configs\":[]}");
			assertThat(client.postJsonAsync("/sessions", "{}".getBytes(StandardCharsets.UTF_8), TIMEOUT)
				.get(20, TimeUnit.SECONDS)
				.status()).isEqualTo(200);
			assertThat(authorizations).contains("Bearer tls-key");
		}
	}

	@Test
	void refusesATrustedServerWhoseCertificateNamesAnotherHost() {
		try (FallomHttpClient client = client(forAnotherHost)) {
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> client.get("/configs", null));
		}
	}

	@Test
	void refusesAServerWhoseCertificateIsNotTrusted() {
		try (FallomHttpClient client = client(untrusted)) {
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> client.get("/configs", null));
		}
	}

	private static FallomHttpClient client(HttpsServer server) {
		return new FallomHttpClient(URI.create("https://localhost:" + server.getAddress().getPort()), "tls-key",
				TIMEOUT);
	}

	private static HttpsServer start(KeyStore keys) throws Exception {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), null, null);
		HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(context));
		server.createContext("/", (exchange) -> {
			authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
			try (InputStream body = exchange.getRequestBody()) {
				body.readAllBytes();
			}
			byte[] answer = "{\"configs\":[]}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		server.start();
		return server;
	}

	/** A key pair and a self-signed certificate with the given names, made by the JDK's keytool. */
	private static KeyStore keyStore(String alias, String names) throws Exception {
		Path file = directory.resolve(alias + ".p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
				"-dname", "CN=" + alias, "-ext", names, "-validity", "2", "-storetype", "PKCS12", "-keystore",
				file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(file)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

}
