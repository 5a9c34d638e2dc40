package com.fallom.evals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default listener's log lines.
 */
class LoggingEvalListenerTests {

	@Test
	void logsProgressAtMostOncePerIntervalAndAlwaysTheLastAndTheSummaryAtTheEnd() {
		Logger logger = (Logger) LoggerFactory.getLogger(LoggingEvalListener.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			LoggingEvalListener listener = new LoggingEvalListener(Duration.ofHours(1));
			listener.onProgress(new EvalProgress(1, 3, 0, 0.0, Duration.ofSeconds(1), Duration.ofSeconds(2)));
			listener.onProgress(new EvalProgress(2, 3, 1, 0.5, Duration.ofSeconds(2), Duration.ofSeconds(1)));
			listener.onProgress(new EvalProgress(3, 3, 1, 0.75, Duration.ofSeconds(3), Duration.ZERO));
			EvalResult result = new EvalResult("q", "a", null, null, null, null, "production", true,
					Map.of("toxicity", 0.9), Map.of("toxicity", "fine"), Map.of(), List.of(), null, null, null, null,
					null);
			listener.onFinish(new EvalRun("Nightly", null, "judge", List.of(Metric.TOXICITY),
					Map.of("production", List.of(result)), new EvalUpload(false, null, null, "no Fallom API key"), null,
					1, 0, 0, 0.75, Duration.ofSeconds(3), List.of()));
			assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
				.containsExactly("Eval progress: 3/3 calls, 1 errors, $0.7500, about 0 s left",
						"Eval 'Nightly' done in 3000 ms, not uploaded (no Fallom API key)\n"
								+ "| Model | Metric | Mean | Pass rate | Threshold | Scored | Errors | Not run |\n"
								+ "|---|---|---:|---:|---:|---:|---:|---:|\n"
								+ "| production | toxicity | 0.900 | 100% | 0.50 | 1 | 0 | 0 |\n");
		}
		finally {
			logger.detachAppender(appender);
		}
	}

}
