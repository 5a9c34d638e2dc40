package com.fallom.autoconfigure.models;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.prompts.FallomPromptsAutoConfiguration;
import com.fallom.springai.FallomAdvisor;
import com.fallom.springai.FallomAdvisors;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomAdvisorsAutoConfiguration}.
 */
class FallomAdvisorsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomPromptsAutoConfiguration.class, FallomAdvisorsAutoConfiguration.class));

	@Test
	void declaresTheAdvisorsThatMakeAdvisorsForAConfig() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallomAdvisors.class);
			FallomAdvisor advisor = context.getBean(FallomAdvisors.class).abTest("support").fallback("gpt-4o-mini");
			assertThat(advisor.getOrder()).isEqualTo(FallomAdvisor.DEFAULT_ORDER);
		});
	}

	@Test
	void backsOffWithoutTheChatClient() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.ai.chat.client"))
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAdvisors.class));
	}

	@Test
	void backsOffWhenFallomIsDisabled() {
		this.runner.withPropertyValues("fallom.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallomAdvisors.class));
	}

}
