package com.fallom.tracing;

/**
 * Names of the span attributes Fallom sets, as the Fallom backend reads them. The session
 * attributes are strings, the config version, variant index and metadata values too: they
 * also go on the application's spans as Micrometer key-values, which are strings, and one
 * type per name keeps a span from carrying the same name twice; the one exception is
 * {@link #TAGS}, a string array, which only the span processor sets. Session metadata and
 * tags are this starter's OTLP mapping of the newer SDKs' session {@code metadata} and
 * {@code tags}. The prompt attributes go only on Fallom's own chat spans, so their version
 * and variant are integers, as the protocol and the Python SDK have them.
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

	/** The key of the managed prompt a chat call used, a string. */
	public static final String PROMPT_KEY = "fallom.prompt_key";

	/** The version of the managed prompt a chat call used, an integer. */
	public static final String PROMPT_VERSION = "fallom.prompt_version";

	/** The key of the prompt A/B test that chose the prompt, a string. */
	public static final String PROMPT_AB_TEST = "fallom.prompt_ab_test";

	/** The position of the prompt A/B test's variant, from 0, an integer. */
	public static final String PROMPT_VARIANT = "fallom.prompt_variant";

	private FallomAttributes() {
	}

}
