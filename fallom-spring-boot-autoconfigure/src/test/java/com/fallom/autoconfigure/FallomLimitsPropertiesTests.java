package com.fallom.autoconfigure;

import com.fallom.Fallom;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the bounds of {@code fallom.models.recent-sessions} and
 * {@code fallom.tracing.max-content-length}: out of bounds fails start-up naming the
 * property and the range, in bounds reaches the engine.
 */
@FallomMockServerTest
class FallomLimitsPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class));

	@ParameterizedTest
	@ValueSource(strings = { "fallom.models.recent-sessions=1073741825", "fallom.models.recent-sessions=16777217",
			"fallom.models.recent-sessions=0", "fallom.tracing.max-content-length=0",
			"fallom.tracing.max-content-length=1048577" })
	void outOfBoundsFailsStartUpNamingThePropertyAndTheRange(String property) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property.substring(0, property.indexOf('=')))
				.hasMessageContaining("The value must be between 1 and ");
		});
	}

	@Test
	void maxContentLengthReachesTheEngine(FallomMockServer server) {
		this.runner.withPropertyValues(server.propertyValues())
			.withPropertyValues("fallom.tracing.max-content-length=500")
			.run((context) -> assertThat(context.getBean(Fallom.class).getMaxContentLength()).isEqualTo(500));
		this.runner.run((context) -> assertThat(context.getBean(Fallom.class).getMaxContentLength()).isEqualTo(32_768));
	}

}
