package com.fallom.test.autoconfigure;

import java.net.URI;

import com.fallom.autoconfigure.FallomConnectionDetails;
import com.fallom.test.FallomMockServer;

/**
 * {@link FallomConnectionDetails} that point every Fallom service at a
 * {@link FallomMockServer}, with its API key.
 */
class FallomMockServerConnectionDetails implements FallomConnectionDetails {

	private final FallomMockServer server;

	FallomMockServerConnectionDetails(FallomMockServer server) {
		this.server = server;
	}

	@Override
	public String getApiKey() {
		return this.server.apiKey();
	}

	@Override
	public URI getConfigsUrl() {
		return URI.create(this.server.baseUrl());
	}

	@Override
	public URI getTracesUrl() {
		return URI.create(this.server.baseUrl());
	}

	@Override
	public URI getPromptsUrl() {
		return URI.create(this.server.baseUrl());
	}

}
