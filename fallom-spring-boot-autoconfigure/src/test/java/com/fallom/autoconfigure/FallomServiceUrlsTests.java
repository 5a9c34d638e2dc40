package com.fallom.autoconfigure;

import java.util.Map;

import com.fallom.Fallom;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.autoconfigure.tracing.FallomTracingAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Boot app against Fallom's three services, each on its own URL from
 * {@code fallom.configs-url}, {@code fallom.traces-url} and {@code fallom.prompts-url}:
 * every request reaches the service that serves it.
 */
class FallomServiceUrlsTests {

	@Test
	void configsSessionsSpansMetricsAndPromptsEachGoToTheirOwnService() {
		try (FallomMockServer services = FallomMockServer.startAsThreeServices()) {
			services.putConfig("support", 2, Map.of("gpt-4o", 100));
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class,
						FallomModelsAutoConfiguration.class, FallomTracingAutoConfiguration.class))
				.withPropertyValues(services.propertyValues())
				.withPropertyValues("fallom.prompts.sync=always")
				.run((context) -> {
					Fallom fallom = context.getBean(Fallom.class);
					assertThat(fallom.getConfigsUrl()).hasToString(services.configsUrl());
					assertThat(fallom.getTracesUrl()).hasToString(services.tracesUrl());
					assertThat(fallom.getPromptsUrl()).hasToString(services.promptsUrl());
					assertThat(context.getBean(FallomModels.class).get("support", "s1")).isEqualTo("gpt-4o");
					context.getBean(FallomTrace.class).span(Map.of("score", 1), "support", "s1");
					fallom.tracer().spanBuilder("chat gpt-4o").startSpan().end();
				});
			// Closing the context flushed every queue.
			assertThat(services.sessions()).hasSize(1);
			assertThat(services.metrics()).hasSize(1);
			assertThat(services.traceRecords()).hasSize(1);
			assertThat(services.requests(Endpoint.PROMPTS)).isNotEmpty();
			assertThat(services.misroutedCount()).as("requests sent to the wrong service").isZero();
		}
	}

}
