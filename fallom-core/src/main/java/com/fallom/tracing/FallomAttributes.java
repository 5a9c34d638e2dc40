package com.fallom.tracing;

/**
 * Names of the span attributes Fallom sets, as the Fallom backend reads them. All values
 * are strings, the config version and variant index too: Micrometer key-values are
 * strings, and one type per name keeps a span from carrying the same name twice.
 */
public final class FallomAttributes {

	/** The config key of the session. */
	public static final String CONFIG_KEY = "fallom.config_key";

	/** The session id. */
	public static final String SESSION_ID = "fallom.session_id";

	/** The config version the model was assigned from, when {@code FallomModels} set the session. */
	public static final String CONFIG_VERSION = "fallom.config_version";

	/** The index of the assigned variant, when {@code FallomModels} set the session. */
	public static final String VARIANT = "fallom.variant";

	private FallomAttributes() {
	}

}
