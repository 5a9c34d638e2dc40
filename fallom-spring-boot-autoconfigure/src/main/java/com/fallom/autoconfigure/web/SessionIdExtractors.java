package com.fallom.autoconfigure.web;

import com.fallom.autoconfigure.FallomProperties;
import com.fallom.web.SessionIdExtractor;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Creates the {@link SessionIdExtractor} of both web filters from
 * {@code fallom.web.*}, failing start-up on a value that cannot work.
 */
final class SessionIdExtractors {

	private SessionIdExtractors() {
	}

	static SessionIdExtractor of(FallomProperties.Web web) {
		if (!StringUtils.hasText(web.getSessionHeader())) {
			throw new InvalidConfigurationPropertyValueException("fallom.web.session-header", web.getSessionHeader(),
					"The session header must have a name.");
		}
		if (web.getConfigKeyHeader() != null && !StringUtils.hasText(web.getConfigKeyHeader())) {
			throw new InvalidConfigurationPropertyValueException("fallom.web.config-key-header",
					web.getConfigKeyHeader(), "The config key header must have a name.");
		}
		if (web.getCustomerIdHeader() != null && !StringUtils.hasText(web.getCustomerIdHeader())) {
			throw new InvalidConfigurationPropertyValueException("fallom.web.customer-id-header",
					web.getCustomerIdHeader(), "The customer id header must have a name.");
		}
		if (web.getMaxSessionIdLength() <= 0) {
			throw new InvalidConfigurationPropertyValueException("fallom.web.max-session-id-length",
					web.getMaxSessionIdLength(), "The value must be positive.");
		}
		return new SessionIdExtractor(web.getSessionHeader(), web.getSessionCookie(), web.getSessionQueryParameter(),
				web.getConfigKeyHeader(), web.getDefaultConfigKey(), web.getCustomerIdHeader(),
				web.getMaxSessionIdLength());
	}

}
