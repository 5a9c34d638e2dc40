package com.fallom.autoconfigure;

import java.util.Map;

import com.fallom.Fallom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's own precedence for Fallom's settings, through a real
 * {@code SpringApplication}: the SDKs' environment variables beat {@code application.yml}
 * (a Kubernetes secret overrides what the jar ships with), command-line arguments beat
 * both.
 */
class FallomPropertyPrecedenceTests {

	@ParameterizedTest
	@ValueSource(strings = { "false", "0", "no" })
	void environmentVariablesBeatApplicationYml(String captureContent) {
		try (ConfigurableApplicationContext context = run(
				Map.of("FALLOM_API_KEY", "from-env", "FALLOM_CAPTURE_CONTENT", captureContent, "FALLOM_TRACES_URL",
						"http://127.0.0.1:10"))) {
			FallomConnectionDetails connection = context.getBean(FallomConnectionDetails.class);
			assertThat(connection.getApiKey()).isEqualTo("from-env");
			assertThat(connection.getConfigsUrl()).hasToString("http://127.0.0.1:9");
			assertThat(connection.getTracesUrl()).hasToString("http://127.0.0.1:10");
			Fallom fallom = context.getBean(Fallom.class);
			assertThat(fallom.isCaptureContent()).isFalse();
			assertThat(fallom.isOnline()).isTrue();
		}
	}

	@Test
	void applicationYmlAppliesWhenTheEnvironmentIsSilent() {
		try (ConfigurableApplicationContext context = run(Map.of())) {
			assertThat(context.getBean(FallomConnectionDetails.class).getApiKey()).isEqualTo("from-yml");
			assertThat(context.getBean(Fallom.class).isCaptureContent()).isTrue();
		}
	}

	@Test
	void commandLineArgumentsBeatTheEnvironment() {
		try (ConfigurableApplicationContext context = run(Map.of("FALLOM_API_KEY", "from-env"),
				"--fallom.api-key=from-args")) {
			assertThat(context.getBean(FallomConnectionDetails.class).getApiKey()).isEqualTo("from-args");
		}
	}

	private static ConfigurableApplicationContext run(Map<String, Object> variables, String... args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		return new SpringApplicationBuilder(PrecedenceApplication.class).environment(environment)
			.web(WebApplicationType.NONE)
			.properties("spring.config.name=fallom-precedence")
			.run(args);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(FallomAutoConfiguration.class)
	static class PrecedenceApplication {

	}

}
