package com.fallom.session;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import com.fallom.internal.Arguments;

/**
 * The Fallom session a piece of work belongs to: the config key (the A/B test or agent
 * name) and the session id (one conversation). Every LLM span and custom metric is
 * tagged with it. A session set by {@code FallomModels} also carries the assignment: the
 * config version, the variant and the model.
 *
 * @param configKey the config key, never blank
 * @param sessionId the session id, never blank
 * @param configVersion the config version the model came from, or {@code 0} when unknown
 * @param variantIndex the index of the assigned variant, or {@code -1} when unknown
 * @param model the assigned model, or {@code null} when unknown
 */
public record FallomSessionContext(String configKey, String sessionId, int configVersion, int variantIndex,
		@Nullable String model) {

	public FallomSessionContext {
		Arguments.hasText(configKey, "'configKey' must not be null or blank");
		Arguments.hasText(sessionId, "'sessionId' must not be null or blank");
	}

	/**
	 * Create a session without an assignment, as {@code FallomTrace.setSession} does.
	 * @param configKey the config key, never blank
	 * @param sessionId the session id, never blank
	 */
	public FallomSessionContext(String configKey, String sessionId) {
		this(configKey, sessionId, 0, -1, null);
	}

	/**
	 * Whether this session carries the assignment of a config variant.
	 * @return whether the config version and variant are known
	 */
	public boolean hasAssignment() {
		return this.variantIndex >= 0;
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

	/**
	 * Whether this session has the given config key, session id and assignment.
	 * @param configKey the config key
	 * @param sessionId the session id
	 * @param configVersion the config version
	 * @param variantIndex the variant index
	 * @param model the model
	 * @return whether all match
	 */
	public boolean matches(String configKey, String sessionId, int configVersion, int variantIndex,
			@Nullable String model) {
		return this.configVersion == configVersion && this.variantIndex == variantIndex
				&& Objects.equals(this.model, model) && matches(configKey, sessionId);
	}

	@Override
	public String toString() {
		// Session ids can carry user identifiers: keep them out of accidental log lines.
		return "FallomSessionContext[configKey=" + this.configKey + ", sessionId=<" + this.sessionId.length()
				+ " chars>, configVersion=" + this.configVersion + ", variantIndex=" + this.variantIndex + ", model="
				+ this.model + "]";
	}

}
