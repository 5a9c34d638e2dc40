package com.fallom.test.provider;

/**
 * The provider APIs that {@link MockProviderServer} speaks.
 */
public enum ProviderApi {

	/**
	 * OpenAI Chat Completions: {@code POST /v1/chat/completions}.
	 */
	OPENAI_CHAT_COMPLETIONS("/v1/chat/completions"),

	/**
	 * The OpenAI Responses API: {@code POST /v1/responses}, answered only with
	 * {@link ProviderReply#recorded(int, String) recorded} replies and errors.
	 */
	OPENAI_RESPONSES("/v1/responses"),

	/**
	 * Anthropic Messages: {@code POST /v1/messages}.
	 */
	ANTHROPIC_MESSAGES("/v1/messages");

	private final String path;

	ProviderApi(String path) {
		this.path = path;
	}

	/**
	 * Return the path the API is served on.
	 * @return the path, e.g. {@code /v1/messages}
	 */
	public String path() {
		return this.path;
	}

	static ProviderApi forPath(String rawPath) {
		String path = (rawPath.length() > 1 && rawPath.endsWith("/")) ? rawPath.substring(0, rawPath.length() - 1)
				: rawPath;
		for (ProviderApi api : values()) {
			if (api.path.equals(path)) {
				return api;
			}
		}
		return null;
	}

}
