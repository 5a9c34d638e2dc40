package com.fallom.sample.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import com.fallom.sample.SampleProperties;
import com.fallom.sample.backend.BackendSummary;
import com.fallom.sample.support.ChatController;
import com.fallom.sample.support.ChatController.ChatRequest;
import com.fallom.sample.support.FeedbackService.Feedback;
import com.fallom.sample.support.SupportAssistant.ChatAnswer;
import com.fallom.test.FallomMockServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Demo mode ({@code --sample.demo.sessions=200}): once the app is up, drives that many
 * sessions through the real {@code POST /chat} endpoint, twice each, with one
 * {@code POST /feedback} per session, then logs a table of
 * the models they got, their share, and what the embedded Fallom backend received, and
 * beside it the same for the system prompts of the prompt A/B test. The 50/50 splits
 * show, and so does stickiness: every call of a session gets the same model and prompt. The app then stops, unless {@code sample.demo.exit=false}: the page at {@code /}
 * then shows the experiment, and refreshes itself while the demo runs.
 */
@Component
public class DemoRunner implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(DemoRunner.class);

	private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);

	private static final String[] MESSAGES = { "I can't log in to my account", "Where is my refund?",
			"The app crashes when I upload a photo", "How do I change my plan?" };

	private final SampleProperties properties;

	private final ObjectProvider<FallomMockServer> mockServer;

	public DemoRunner(SampleProperties properties, ObjectProvider<FallomMockServer> mockServer) {
		this.properties = properties;
		this.mockServer = mockServer;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		SampleProperties.Demo demo = this.properties.getDemo();
		if (demo.getSessions() <= 0) {
			return;
		}
		ConfigurableApplicationContext context = event.getApplicationContext();
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		Result result = run(RestClient.create("http://localhost:" + port), demo.getSessions(),
				demo.getCallsPerSession());
		logger.info(report(result));
		if (demo.isExit()) {
			SpringApplication.exit(context);
		}
	}

	private Result run(RestClient client, int sessions, int callsPerSession) {
		Map<String, Set<String>> modelsBySession = new LinkedHashMap<>();
		Map<String, Set<String>> promptsBySession = new LinkedHashMap<>();
		for (int session = 1; session <= sessions; session++) {
			String sessionId = String.format("demo-user-%04d", session);
			for (int call = 0; call < callsPerSession; call++) {
				ChatAnswer answer = client.post()
					.uri("/chat")
					.header(ChatController.SESSION_HEADER, sessionId)
					.body(new ChatRequest(MESSAGES[(session + call) % MESSAGES.length]))
					.retrieve()
					.body(ChatAnswer.class);
				modelsBySession.computeIfAbsent(sessionId, (id) -> new TreeSet<>()).add(answer.model());
				promptsBySession.computeIfAbsent(sessionId, (id) -> new TreeSet<>())
					.add(BackendSummary.promptName(answer.promptKey(), answer.promptVersion()));
			}
			// Each customer rates the conversation, so the experiment page has metrics to compare
			client.post()
				.uri("/feedback")
				.header(ChatController.SESSION_HEADER, sessionId)
				.body(new Feedback(1 + Math.floorMod(sessionId.hashCode(), 5), session % 3 != 0))
				.retrieve()
				.toBodilessEntity();
		}
		FallomMockServer server = this.mockServer.getIfAvailable();
		BackendSummary received = (server != null) ? awaitDelivery(server, sessions, sessions * callsPerSession)
				: null;
		return new Result(modelsBySession, promptsBySession, callsPerSession, received);
	}

	/**
	 * Session records and spans are sent in the background, in batches: wait until they
	 * have all arrived, or a while.
	 */
	private static BackendSummary awaitDelivery(FallomMockServer server, int sessions, int calls) {
		long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
		BackendSummary summary = BackendSummary.of(server);
		while ((total(summary.sessionsByModel()) < sessions || total(summary.tracedCallsByModel()) < calls)
				&& System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			summary = BackendSummary.of(server);
		}
		return summary;
	}

	private String report(Result result) {
		StringBuilder report = new StringBuilder();
		report.append(String.format("Demo: %d sessions x %d calls through POST /chat, config '%s'%n",
				result.modelsBySession().size(), result.callsPerSession(), this.properties.getConfigKey()));
		report.append(split(result, result.modelsBySession(), "model", BackendSummary::tracedCallsByModel, true));
		report.append(String.format("%n%nSystem prompt from prompt A/B test '%s'%n", this.properties.getPromptAbTest()));
		report.append(split(result, result.promptsBySession(), "prompt", BackendSummary::tracedCallsByPrompt, false));
		if (result.received() == null) {
			report.append(String.format("%nTraces and session records went to the real backend: see Fallom's dashboard"));
		}
		return report.toString();
	}

	/**
	 * One split as a table: what each session got (a model or a prompt), its share, and
	 * what the backend received for it; then whether every session kept what it got.
	 */
	private static String split(Result result, Map<String, Set<String>> bySession, String name,
			Function<BackendSummary, Map<String, Integer>> traced, boolean withSessionRecords) {
		Map<String, Integer> sessionsByName = new TreeMap<>();
		int sticky = 0;
		for (Set<String> names : bySession.values()) {
			if (names.size() == 1) {
				sticky++;
			}
			names.forEach((value) -> sessionsByName.merge(value, 1, Integer::sum));
		}
		int sessions = bySession.size();
		List<String[]> rows = new ArrayList<>();
		rows.add(withSessionRecords
				? new String[] { name, "sessions", "share", "calls", "traced calls received",
						"session records received" }
				: new String[] { name, "sessions", "share", "calls", "traced calls received" });
		sessionsByName.forEach((value, count) -> {
			String[] row = { value, Integer.toString(count), String.format("%.1f%%", 100.0 * count / sessions),
					Integer.toString(count * result.callsPerSession()), received(result, traced, value), "" };
			if (withSessionRecords) {
				row[5] = received(result, BackendSummary::sessionsByModel, value);
			}
			rows.add(withSessionRecords ? row : Arrays.copyOf(row, 5));
		});
		return table(rows) + String.format("Sticky: %d of %d sessions got the same %s on every call%s", sticky,
				sessions, name, (sticky == sessions) ? " (all sticky)" : " (NOT all sticky)");
	}

	private static String received(Result result, Function<BackendSummary, Map<String, Integer>> counts,
			String name) {
		return (result.received() != null) ? Integer.toString(counts.apply(result.received()).getOrDefault(name, 0))
				: "-";
	}

	private static String table(List<String[]> rows) {
		int[] widths = new int[rows.get(0).length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		StringBuilder table = new StringBuilder();
		for (int r = 0; r < rows.size(); r++) {
			String[] row = rows.get(r);
			for (int i = 0; i < row.length; i++) {
				// The model column reads best left-aligned, numbers right-aligned
				String format = (i == 0) ? "%-" + widths[i] + "s" : "%" + widths[i] + "s";
				table.append((i == 0) ? "" : " | ").append(String.format(format, row[i]));
			}
			table.append(System.lineSeparator());
			if (r == 0) {
				for (int i = 0; i < widths.length; i++) {
					table.append((i == 0) ? "" : "-+-").append("-".repeat(widths[i]));
				}
				table.append(System.lineSeparator());
			}
		}
		return table.toString();
	}

	private static int total(Map<String, Integer> counts) {
		return counts.values().stream().mapToInt(Integer::intValue).sum();
	}

	private record Result(Map<String, Set<String>> modelsBySession, Map<String, Set<String>> promptsBySession,
			int callsPerSession, BackendSummary received) {
	}

}
