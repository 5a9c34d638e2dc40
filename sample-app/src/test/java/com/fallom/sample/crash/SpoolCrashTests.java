package com.fallom.sample.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery spool against a real crash: the sample app in a second JVM serves 200
 * chat sessions with the Fallom backend down, is killed with SIGKILL (no shutdown hook,
 * no flush), and started again with the backend up; every session's record and trace
 * records arrive.
 */
class SpoolCrashTests {

	private static final int SESSIONS = 200;

	private static final String API_KEY = FallomMockServer.DEFAULT_API_KEY;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path spoolDirectory;

	@Test
	void sessionsServedBeforeAKillAreDeliveredByTheNextStart() throws Exception {
		// A port where nothing listens yet: the backend is down, connections are refused
		int backendPort = freePort();
		int appPort = freePort();
		Process first = startSample(appPort, backendPort);
		try {
			awaitUp(first, appPort);
			for (int i = 0; i < SESSIONS; i++) {
				HttpResponse<String> answer = this.http.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/chat"))
					.header("Content-Type", "application/json")
					.header("X-Fallom-Session-Id", "crash-" + i)
					.POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"Where is my order " + i + "?\"}"))
					.timeout(Duration.ofSeconds(30))
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			}
			// Until the failing backend has sent the queues to disk: what a kill loses is
			// what arrived since the last spill, a fraction of a second
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				JsonNode queues = fallomEndpoint(appPort).path("queues");
				return queues.path("sessions").path("spool").path("spooled").asLong() >= SESSIONS
						&& queues.path("sessions").path("size").asInt() <= 1 && queues.path("spans").path("size").asInt() <= 1
						&& queues.path("spans").path("spool").path("spooled").asLong() >= SESSIONS;
			});
			Thread.sleep(1000);
		}
		finally {
			// SIGKILL: no shutdown hook runs, nothing is flushed
			first.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
		}
		try (FallomMockServer backend = FallomMockServer.start(backendPort, API_KEY)) {
			Process second = startSample(appPort, backendPort);
			try {
				awaitUp(second, appPort);
				Set<String> expected = IntStream.range(0, SESSIONS).mapToObj((i) -> "crash-" + i)
					.collect(Collectors.toSet());
				await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
					assertThat(backend.sessions().stream().map((session) -> session.get("session_id")))
						.as(() -> queues(appPort))
						.containsAll(expected);
					assertThat(backend.traceRecords().stream().map(TraceRecord::sessionId).collect(Collectors.toSet()))
						.as(() -> queues(appPort))
						.containsAll(expected);
				});
			}
			finally {
				second.destroy();
				if (!second.waitFor(20, TimeUnit.SECONDS)) {
					second.destroyForcibly();
				}
			}
		}
	}

	private Process startSample(int appPort, int backendPort) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
		command.add("com.fallom.sample.SampleApplication");
		command.add("--server.port=" + appPort);
		command.add("--sample.mock-backend.enabled=false");
		command.add("--fallom.base-url=http://127.0.0.1:" + backendPort);
		command.add("--fallom.api-key=" + API_KEY);
		command.add("--fallom.delivery.spool-dir=" + this.spoolDirectory);
		command.add("--spring.main.banner-mode=off");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().keySet().removeIf((name) -> name.startsWith("FALLOM_"));
		Process process = builder.start();
		Deque<String> lastLines = new ArrayDeque<>();
		Thread reader = new Thread(() -> keepLastLines(process, lastLines), "sample-output");
		reader.setDaemon(true);
		reader.start();
		this.outputs.put(process, lastLines);
		return process;
	}

	private final java.util.Map<Process, Deque<String>> outputs = new java.util.concurrent.ConcurrentHashMap<>();

	private static void keepLastLines(Process process, Deque<String> lastLines) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				synchronized (lastLines) {
					lastLines.addLast(line);
					if (lastLines.size() > 60) {
						lastLines.removeFirst();
					}
				}
			}
		}
		catch (IOException ex) {
			// The process was killed
		}
	}

	private void awaitUp(Process process, int appPort) {
		try {
			await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
				assertThat(process.isAlive()).as("the sample exited").isTrue();
				try {
					return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort
							+ "/actuator/health")).timeout(Duration.ofSeconds(5)).build(),
							HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
				}
				catch (IOException ex) {
					return false;
				}
			});
		}
		catch (RuntimeException | AssertionError ex) {
			Deque<String> lines = this.outputs.get(process);
			synchronized (lines) {
				throw new AssertionError("The sample did not start; its last lines:\n" + String.join("\n", lines), ex);
			}
		}
	}

	/** The app's queues and spools, to say where items are when a check fails. */
	private String queues(int appPort) {
		try {
			return fallomEndpoint(appPort).path("queues").toString();
		}
		catch (Exception ex) {
			return "queues unknown: " + ex;
		}
	}

	private JsonNode fallomEndpoint(int appPort) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/actuator/fallom"))
					.timeout(Duration.ofSeconds(5))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		return this.json.readTree(response.body());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
