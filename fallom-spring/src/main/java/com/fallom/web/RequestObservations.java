package com.fallom.web;

import com.fallom.session.FallomSessionContext;
import com.fallom.tracing.FallomAttributes;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;

/**
 * Puts a request's Fallom session on the request's own observation, so that the server
 * span ({@code http.server.requests}) carries it as well as the LLM spans under it. High
 * cardinality only: session ids are span attributes, never metric tags.
 */
public final class RequestObservations {

	private RequestObservations() {
	}

	/**
	 * Tag the observation of a request with its session.
	 * @param context the request's observation context
	 * @param session the request's session
	 */
	public static void tag(Observation.Context context, FallomSessionContext session) {
		context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.CONFIG_KEY, session.configKey()));
		context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.SESSION_ID, session.sessionId()));
		if (session.customerId() != null) {
			context.addHighCardinalityKeyValue(KeyValue.of(FallomAttributes.CUSTOMER_ID, session.customerId()));
		}
	}

}
