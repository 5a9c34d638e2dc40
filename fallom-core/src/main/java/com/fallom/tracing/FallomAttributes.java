package com.fallom.tracing;

/**
 * Names of the span attributes Fallom sets, as the Fallom backend reads them. All values
 * are strings, the config version, variant index and metadata values too: Micrometer
 * key-values are strings, and one type per name keeps a span from carrying the same name
 * twice. The one exception is {@link #TAGS}, a string array, which only the span processor
 * sets. Session metadata and tags are this starter's OTLP mapping of the newer SDKs'
 * session {@code metadata} and {@code tags}.
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

	/** The customer (end user) of the session, when set. */
	public static final String CUSTOMER_ID = "fallom.customer_id";

	/**
	 * The prefix of session metadata: entry {@code plan} becomes {@code fallom.metadata.plan},
	 * its value written as a string.
	 */
	public static final String METADATA_PREFIX = "fallom.metadata.";

	/** The session tags, a string array on spans. */
	public static final String TAGS = "fallom.tags";

	private FallomAttributes() {
	}

}
