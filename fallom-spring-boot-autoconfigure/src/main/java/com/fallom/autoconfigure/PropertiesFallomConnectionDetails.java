package com.fallom.autoconfigure;

import java.net.URI;

import com.fallom.Fallom;
import org.jspecify.annotations.Nullable;

/**
 * {@link FallomConnectionDetails} from {@link FallomProperties}: each service's own URL,
 * else the base URL, else the production service.
 */
class PropertiesFallomConnectionDetails implements FallomConnectionDetails {

	private final FallomProperties properties;

	PropertiesFallomConnectionDetails(FallomProperties properties) {
		this.properties = properties;
	}

	@Override
	public @Nullable String getApiKey() {
		// A key read from a file or a Kubernetes secret often ends in a line break.
		String apiKey = this.properties.getApiKey();
		return (apiKey != null) ? apiKey.strip() : null;
	}

	@Override
	public URI getConfigsUrl() {
		return url(this.properties.getConfigsUrl(), Fallom.DEFAULT_CONFIGS_URL);
	}

	@Override
	public URI getTracesUrl() {
		return url(this.properties.getTracesUrl(), Fallom.DEFAULT_TRACES_URL);
	}

	@Override
	public URI getPromptsUrl() {
		return url(this.properties.getPromptsUrl(), Fallom.DEFAULT_PROMPTS_URL);
	}

	private URI url(@Nullable String serviceUrl, URI production) {
		if (serviceUrl != null) {
			return URI.create(serviceUrl);
		}
		String baseUrl = this.properties.getBaseUrl();
		return (baseUrl != null) ? URI.create(baseUrl) : production;
	}

}
