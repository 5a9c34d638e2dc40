package com.fallom.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a {@link FallomMockServer} on its own, for local development against
 * {@code http://localhost:8001}.
 * <p>
 * Arguments: {@code [port] [config.json ...]}. The port defaults to 8001; each file
 * holds one config object or a {@code {"configs": [...]}} document. The API key is
 * {@code FALLOM_API_KEY} when set, otherwise {@link FallomMockServer#DEFAULT_API_KEY}.
 */
public final class FallomMockServerApplication {

	private static final System.Logger logger = System.getLogger(FallomMockServerApplication.class.getName());

	private static final int DEFAULT_PORT = 8001;

	private FallomMockServerApplication() {
	}

	/**
	 * Start the server and serve until the JVM is stopped.
	 * @param args the port, then config files
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		FallomMockServer server = start(args, System.getenv("FALLOM_API_KEY"));
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			server.close();
			stopped.countDown();
		}, "fallom-mock-shutdown"));
		// The server's threads are daemons, so the main thread keeps the JVM alive
		stopped.await();
	}

	static FallomMockServer start(String[] args, String apiKey) {
		int port = (args.length > 0) ? Integer.parseInt(args[0]) : DEFAULT_PORT;
		boolean defaultKey = apiKey == null || apiKey.isBlank();
		FallomMockServer server = FallomMockServer.start(port, defaultKey ? FallomMockServer.DEFAULT_API_KEY : apiKey);
		try {
			for (int i = 1; i < args.length; i++) {
				loadConfigs(server, Path.of(args[i]));
			}
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		// The default key is a well-known test key, so showing it helps; a real one is not shown
		logger.log(Level.INFO, "Fallom mock backend listening on {0} (API key: {1})", server.baseUrl(),
				defaultKey ? FallomMockServer.DEFAULT_API_KEY : "from FALLOM_API_KEY");
		return server;
	}

	private static void loadConfigs(FallomMockServer server, Path file) {
		String json;
		try {
			json = Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read config file " + file, ex);
		}
		JsonNode document = JsonMapper.shared().readTree(json);
		JsonNode configs = document.get("configs");
		if (configs != null && configs.isArray()) {
			configs.forEach((config) -> server.putConfig(config.toString()));
		}
		else {
			server.putConfig(json);
		}
		logger.log(Level.INFO, "Loaded configs from {0}", file);
	}

}
