package com.fallom.sample.support;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fallom.annotation.FallomSession;
import com.fallom.tracing.FallomTrace;

import org.springframework.stereotype.Service;

/**
 * Records a customer's feedback as custom metrics of their session. The
 * {@link FallomSession @FallomSession} annotation sets the session for the method, so
 * {@link FallomTrace#span(Map)} needs no ids; the metrics join the session's model and
 * traces on the backend.
 */
@Service
public class FeedbackService {

	private final FallomTrace trace;

	public FeedbackService(FallomTrace trace) {
		this.trace = trace;
	}

	/**
	 * Record feedback.
	 * @param sessionId the conversation's session id
	 * @param feedback the feedback
	 */
	// tag::fallom-session[]
	@FallomSession(configKey = "support-assistant", sessionId = "#sessionId")
	public void record(String sessionId, Feedback feedback) {
		Map<String, Object> metrics = new LinkedHashMap<>();
		metrics.put("satisfaction", feedback.satisfaction());
		metrics.put("resolved", feedback.resolved());
		this.trace.span(metrics);
	}
	// end::fallom-session[]

	/**
	 * The body of {@code POST /feedback}.
	 *
	 * @param satisfaction the customer's satisfaction, 1 to 5
	 * @param resolved whether the issue was resolved
	 */
	public record Feedback(int satisfaction, boolean resolved) {
	}

}
