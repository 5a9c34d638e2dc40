package com.fallom.evals;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The default {@link EvalListener}: an INFO line with the progress at most every few
 * seconds, and the summary table at the end.
 */
public final class LoggingEvalListener implements EvalListener {

	private static final Log logger = LogFactory.getLog(LoggingEvalListener.class);

	private final long intervalNanos;

	private final AtomicLong lastLog = new AtomicLong(System.nanoTime());

	/**
	 * Create a listener that logs at most every five seconds.
	 */
	public LoggingEvalListener() {
		this(Duration.ofSeconds(5));
	}

	/**
	 * Create a listener.
	 * @param interval the least time between two progress lines
	 */
	public LoggingEvalListener(Duration interval) {
		this.intervalNanos = interval.toNanos();
	}

	@Override
	public void onProgress(EvalProgress progress) {
		long now = System.nanoTime();
		long last = this.lastLog.get();
		boolean finished = progress.done() == progress.total();
		if ((now - last >= this.intervalNanos || finished) && this.lastLog.compareAndSet(last, now)
				&& logger.isInfoEnabled()) {
			logger.info(describe(progress));
		}
	}

	@Override
	public void onFinish(EvalRun run) {
		if (logger.isInfoEnabled()) {
			logger.info("Eval '" + run.name() + "' done in " + run.duration().toMillis() + " ms, "
					+ run.upload().describe() + ((run.stopReason() != null) ? ", stopped: " + run.stopReason() : "")
					+ "\n" + run.summary().toMarkdown());
		}
	}

	static String describe(EvalProgress progress) {
		String eta = (progress.eta() != null) ? ", about " + progress.eta().toSeconds() + " s left" : "";
		return String.format(Locale.ROOT, "Eval progress: %d/%d calls, %d errors, $%.4f%s", progress.done(),
				progress.total(), progress.errors(), progress.cost(), eta);
	}

}
