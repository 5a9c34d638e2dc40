package com.fallom.session;

import org.springframework.util.Assert;

/**
 * The Fallom session a piece of work belongs to: the config key (the A/B test or agent
 * name) and the session id (one conversation). Every LLM span and custom metric is
 * tagged with it.
 *
 * @param configKey the config key, never blank
 * @param sessionId the session id, never blank
 */
public record FallomSession(String configKey, String sessionId) {

	public FallomSession {
		Assert.hasText(configKey, "'configKey' must not be null or blank");
		Assert.hasText(sessionId, "'sessionId' must not be null or blank");
	}

	/**
	 * Whether this session has the given config key and session id.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @return whether both match
	 */
	public boolean matches(String configKey, String sessionId) {
		return this.configKey.equals(configKey) && this.sessionId.equals(sessionId);
	}

	@Override
	public String toString() {
		// Session ids can carry user identifiers: keep them out of accidental log lines.
		return "FallomSession[configKey=" + this.configKey + ", sessionId=<" + this.sessionId.length() + " chars>]";
	}

}
