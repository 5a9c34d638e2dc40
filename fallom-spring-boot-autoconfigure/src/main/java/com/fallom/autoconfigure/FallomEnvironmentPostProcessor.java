package com.fallom.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Lets explicit {@code fallom.*} properties win over the Python SDK's environment
 * variables, as explicit {@code fallom.init(...)} arguments win there. Spring Boot binds
 * {@code FALLOM_API_KEY}, {@code FALLOM_BASE_URL} and {@code FALLOM_CAPTURE_CONTENT} to
 * {@code fallom.api-key}, {@code fallom.base-url} and {@code fallom.capture-content} on its
 * own, but above {@code application.yml}; when both are set, this copies the explicit value
 * just above the environment variables. Sources that already outrank the environment
 * (command-line arguments, system properties) keep their place.
 */
public class FallomEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** The name of the property source holding the explicit values. */
	public static final String PROPERTY_SOURCE_NAME = "fallomExplicitProperties";

	private static final Map<String, String> SEED_VARIABLES = Map.of("FALLOM_API_KEY", "fallom.api-key",
			"FALLOM_BASE_URL", "fallom.base-url", "FALLOM_CAPTURE_CONTENT", "fallom.capture-content");

	@Override
	public int getOrder() {
		// After application.yml and profile files are loaded.
		return ConfigDataEnvironmentPostProcessor.ORDER + 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String systemEnvironmentName = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		PropertySource<?> systemEnvironment = environment.getPropertySources().get(systemEnvironmentName);
		if (systemEnvironment == null) {
			return;
		}
		Map<String, Object> explicit = new LinkedHashMap<>();
		SEED_VARIABLES.forEach((variable, property) -> {
			if (systemEnvironment.containsProperty(variable)) {
				Object value = explicitValue(environment, systemEnvironmentName, property);
				if (value != null) {
					explicit.put(property, value);
				}
			}
		});
		if (!explicit.isEmpty()) {
			environment.getPropertySources()
				.addBefore(systemEnvironmentName, new MapPropertySource(PROPERTY_SOURCE_NAME, explicit));
		}
	}

	/**
	 * Return the value of a property from the first source below the environment variables
	 * that sets it, in any relaxed form ({@code fallom.apiKey} too).
	 */
	private static Object explicitValue(ConfigurableEnvironment environment, String systemEnvironmentName,
			String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		boolean belowEnvironment = false;
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source.getName().equals(systemEnvironmentName)) {
				belowEnvironment = true;
				continue;
			}
			if (!belowEnvironment) {
				continue;
			}
			ConfigurationPropertySource configurationSource = ConfigurationPropertySource.from(source);
			ConfigurationProperty value = (configurationSource != null)
					? configurationSource.getConfigurationProperty(name) : null;
			if (value != null) {
				return value.getValue();
			}
		}
		return null;
	}

}
