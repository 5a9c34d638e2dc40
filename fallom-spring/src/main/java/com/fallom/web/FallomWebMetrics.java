package com.fallom.web;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds {@code fallom.web.session.invalid}: session ids and config keys that the web
 * filter ignored because they were too long or held control characters. A rising count
 * points at a misbehaving client, or at an attack.
 */
public class FallomWebMetrics implements MeterBinder {

	private final SessionIdExtractor extractor;

	/**
	 * Create a binder.
	 * @param extractor the web filter's extractor
	 */
	public FallomWebMetrics(SessionIdExtractor extractor) {
		this.extractor = extractor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("fallom.web.session.invalid", this.extractor, SessionIdExtractor::getInvalidCount)
			.description("Session ids and config keys from requests that Fallom ignored as invalid")
			.register(registry);
	}

}
