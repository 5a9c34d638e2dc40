package com.fallom.test;

import java.util.Objects;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link SessionRecord}.
 */
public class SessionRecordAssert extends AbstractAssert<SessionRecordAssert, SessionRecord> {

	SessionRecordAssert(SessionRecord actual) {
		super(actual, SessionRecordAssert.class);
	}

	/**
	 * Verify the assigned model.
	 * @param model the expected model
	 * @return this
	 */
	public SessionRecordAssert withModel(String model) {
		if (!Objects.equals(this.actual.assignedModel(), model)) {
			failWithMessage("Expected session <%s> to be assigned model <%s> but it was <%s>", this.actual.sessionId(),
					model, this.actual.assignedModel());
		}
		return this;
	}

	/**
	 * Verify the config key.
	 * @param configKey the expected config key
	 * @return this
	 */
	public SessionRecordAssert withConfigKey(String configKey) {
		if (!Objects.equals(this.actual.configKey(), configKey)) {
			failWithMessage("Expected session <%s> to have config key <%s> but it had <%s>", this.actual.sessionId(),
					configKey, this.actual.configKey());
		}
		return this;
	}

	/**
	 * Verify the config version.
	 * @param configVersion the expected config version
	 * @return this
	 */
	public SessionRecordAssert withConfigVersion(int configVersion) {
		if (!Objects.equals(this.actual.configVersion(), configVersion)) {
			failWithMessage("Expected session <%s> to have config version <%s> but it had <%s>",
					this.actual.sessionId(), configVersion, this.actual.configVersion());
		}
		return this;
	}

}
