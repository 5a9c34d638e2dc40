package com.fallom.benchmarks.startup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The minimal app that {@code StartupBenchmark} starts: Boot webmvc, actuator and a
 * Spring AI {@link ChatClient} over a canned {@link ChatModel}, so that it needs no
 * provider. The same class runs with and without the Fallom starter: only the classpath
 * differs.
 */
@SpringBootApplication
public class StartupApp {

	/** The CPU time of the main thread when the context had started, in nanoseconds. */
	private static volatile long mainThreadCpu = -1;

	public static void main(String[] args) {
		SpringApplication.run(StartupApp.class, args);
		// Less noisy than the wall clock or the whole process: no wait, no JIT thread
		mainThreadCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
	}

	@Bean
	ChatModel chatModel() {
		return (prompt) -> new ChatResponse(List.of(new Generation(new AssistantMessage("Hello."))));
	}

	/**
	 * The app's own endpoint, and the benchmark's probe: {@code /startup/stats} collects
	 * garbage and reports what the process holds.
	 */
	@RestController
	static class Endpoints {

		private final ChatClient chatClient;

		Endpoints(ChatClient.Builder builder) {
			this.chatClient = builder.build();
		}

		@GetMapping("/chat")
		String chat(@RequestParam String message) {
			return this.chatClient.prompt(message).call().content();
		}

		/**
		 * Collect garbage, then report the resident set size (KiB, from
		 * {@code /proc/self/status}; -1 elsewhere than Linux), the live threads, the
		 * loaded classes, the used heap (bytes) and the main thread's CPU time to the end
		 * of start-up (nanoseconds), as {@code rss threads classes heap main-cpu}.
		 */
		@GetMapping("/startup/stats")
		String stats() throws IOException {
			System.gc();
			System.gc();
			long rss = -1;
			Path status = Path.of("/proc/self/status");
			if (Files.isReadable(status)) {
				for (String line : Files.readAllLines(status)) {
					if (line.startsWith("VmRSS:")) {
						rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
					}
				}
			}
			return rss + " " + ManagementFactory.getThreadMXBean().getThreadCount() + " "
					+ ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() + " "
					+ ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + " " + mainThreadCpu;
		}

	}

}
