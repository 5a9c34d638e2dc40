package com.fallom.sample.examples;

import java.util.List;
import java.util.Map;

import com.fallom.tracing.FallomTrace;

import org.springframework.stereotype.Service;

/**
 * The seed SDK's {@code batch_job.py}: score past sessions offline and record the scores
 * for each session with explicit ids, since a batch job has no session context.
 */
@Service
public class BatchJobExample {

	private final FallomTrace trace;

	public BatchJobExample(FallomTrace trace) {
		this.trace = trace;
	}

	/**
	 * Score sessions and record the scores.
	 * @param sessionIds the sessions to score
	 */
	public void recordOutlierScores(List<String> sessionIds) {
		for (String sessionId : sessionIds) {
			double score = outlierScore(sessionId);
			// tag::explicit-session[]
			this.trace.span(Map.of("outlier_score", score), "support-assistant", sessionId);
			// end::explicit-session[]
		}
	}

	/**
	 * A stand-in for a real scoring model: deterministic, between 0 and 1.
	 */
	static double outlierScore(String sessionId) {
		return Math.floorMod(sessionId.hashCode(), 1000) / 1000.0;
	}

}
