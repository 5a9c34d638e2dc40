package com.fallom.test;

/**
 * The endpoints of the Fallom backend that {@link FallomMockServer} serves.
 *
 * @see FallomMockServer#requests(Endpoint)
 * @see FallomMockServer#fault(Endpoint, Fault)
 */
public enum Endpoint {

	/**
	 * {@code GET /configs}: the latest version of every config.
	 */
	CONFIGS,

	/**
	 * {@code GET /configs/{key}/version/{n}}: one pinned config version.
	 */
	CONFIG_VERSION,

	/**
	 * {@code POST /sessions}: records of model assignments.
	 */
	SESSIONS,

	/**
	 * {@code POST /spans}: custom metrics of a session.
	 */
	SPANS,

	/**
	 * {@code POST /v1/traces}: OTLP/HTTP trace export in protobuf.
	 */
	TRACES,

	/**
	 * {@code GET /prompts}: every prompt version; the last of a key is current.
	 */
	PROMPTS,

	/**
	 * {@code GET /prompt-ab-tests}: every prompt A/B test.
	 */
	PROMPT_AB_TESTS;

	/**
	 * Return the endpoint a raw request path belongs to, whatever the method.
	 * @param rawPath the raw (still percent-encoded) path of the request
	 * @return the endpoint or {@code null} for an unknown path
	 */
	/**
	 * Return the Fallom service that serves this endpoint.
	 * @return the service
	 */
	public Service service() {
		return switch (this) {
			case CONFIGS, CONFIG_VERSION, SESSIONS -> Service.CONFIGS;
			case SPANS, TRACES -> Service.TRACES;
			case PROMPTS, PROMPT_AB_TESTS -> Service.PROMPTS;
		};
	}

	/**
	 * The three Fallom services, each with its own URL in production.
	 */
	public enum Service {

		/** Configs, pinned versions and session records: {@code fallom.configs-url}. */
		CONFIGS,

		/** OTLP spans and custom metrics: {@code fallom.traces-url}. */
		TRACES,

		/** Prompts and prompt A/B tests: {@code fallom.prompts-url}. */
		PROMPTS

	}

	static Endpoint forPath(String rawPath) {
		String path = (rawPath.length() > 1 && rawPath.endsWith("/")) ? rawPath.substring(0, rawPath.length() - 1)
				: rawPath;
		switch (path) {
			case "/configs":
				return CONFIGS;
			case "/sessions":
				return SESSIONS;
			case "/spans":
				return SPANS;
			case "/v1/traces":
				return TRACES;
			case "/prompts":
				return PROMPTS;
			case "/prompt-ab-tests":
				return PROMPT_AB_TESTS;
			default:
				String[] segments = path.split("/", -1);
				boolean pinned = segments.length == 5 && segments[0].isEmpty() && "configs".equals(segments[1])
						&& !segments[2].isEmpty() && "version".equals(segments[3]) && !segments[4].isEmpty();
				return pinned ? CONFIG_VERSION : null;
		}
	}

}
