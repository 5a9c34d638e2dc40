package com.fallom.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomEnvironmentPostProcessor}.
 */
class FallomEnvironmentPostProcessorTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private void environmentVariables(Map<String, Object> variables) {
		this.environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
	}

	private void applicationYaml(Map<String, Object> properties) {
		this.environment.getPropertySources().addLast(new MapPropertySource("application.yml", properties));
	}

	private void postProcess() {
		new FallomEnvironmentPostProcessor().postProcessEnvironment(this.environment, new SpringApplication());
	}

	@Test
	void explicitPropertiesWinOverTheSeedsEnvironmentVariables() {
		environmentVariables(Map.of("FALLOM_API_KEY", "from-env", "FALLOM_BASE_URL", "http://env:8001",
				"FALLOM_CAPTURE_CONTENT", "false"));
		applicationYaml(Map.of("fallom.api-key", "from-yaml", "fallom.captureContent", "true"));
		assertThat(this.environment.getProperty("fallom.api-key")).as("Spring Boot's own order").isEqualTo("from-env");
		postProcess();
		assertThat(this.environment.getProperty("fallom.api-key")).isEqualTo("from-yaml");
		assertThat(this.environment.getProperty("fallom.capture-content")).isEqualTo("true");
		assertThat(this.environment.getProperty("fallom.base-url")).isEqualTo("http://env:8001");
	}

	@Test
	void environmentVariablesApplyWhenNothingExplicitIsSet() {
		environmentVariables(Map.of("FALLOM_API_KEY", "from-env"));
		applicationYaml(Map.of("other", "value"));
		postProcess();
		assertThat(this.environment.getProperty("fallom.api-key")).isEqualTo("from-env");
		assertThat(this.environment.getPropertySources().contains(FallomEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void sourcesAboveTheEnvironmentKeepWinning() {
		environmentVariables(Map.of("FALLOM_API_KEY", "from-env"));
		applicationYaml(Map.of("fallom.api-key", "from-yaml"));
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("commandLineArgs", Map.of("fallom.api-key", "from-command-line")));
		postProcess();
		assertThat(this.environment.getProperty("fallom.api-key")).isEqualTo("from-command-line");
	}

}
