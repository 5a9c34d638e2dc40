package com.fallom.models;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link FallomModels} when no model can be assigned and the caller gave no
 * fallback. The message names the config key.
 */
public class FallomModelsException extends RuntimeException {

	private final String configKey;

	public FallomModelsException(String configKey, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.configKey = configKey;
	}

	/**
	 * Return the config key of the failed call.
	 * @return the config key
	 */
	public String getConfigKey() {
		return this.configKey;
	}

}
