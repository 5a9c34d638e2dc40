package com.fallom.autoconfigure;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Details of the connection to the Fallom backend: its three services and the API key.
 * The default is backed by {@link FallomProperties}; test support (or a service binding)
 * can provide its own bean to point the app elsewhere without properties.
 */
public interface FallomConnectionDetails extends ConnectionDetails {

	/**
	 * Return the API key; without one, Fallom runs offline.
	 * @return the API key, or {@code null}
	 */
	@Nullable String getApiKey();

	/**
	 * Return the URL of the configs service: configs, pinned versions, session records.
	 * @return the URL
	 */
	URI getConfigsUrl();

	/**
	 * Return the URL of the traces service: OTLP spans and custom metrics.
	 * @return the URL
	 */
	URI getTracesUrl();

	/**
	 * Return the URL of the prompts service.
	 * @return the URL
	 */
	URI getPromptsUrl();

}
