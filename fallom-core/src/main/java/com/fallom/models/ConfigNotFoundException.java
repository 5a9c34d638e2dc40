package com.fallom.models;

/**
 * Thrown by {@link FallomModels} when a config (or a pinned version of it) is unknown and
 * the caller gave no fallback.
 */
public class ConfigNotFoundException extends FallomModelsException {

	public ConfigNotFoundException(String configKey, String message) {
		super(configKey, message, null);
	}

}
