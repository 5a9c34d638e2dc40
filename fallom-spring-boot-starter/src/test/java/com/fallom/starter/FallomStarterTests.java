package com.fallom.starter;

import java.time.Duration;

import com.fallom.annotation.FallomSession;
import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.TraceRecord;
import com.fallom.tracing.FallomTrace;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter alone, on the classpath of this module, is all an application needs: its
 * chat observations reach Fallom, with no actuator or tracing starter of its own.
 */
class FallomStarterTests {

	@Test
	void starterAloneExportsChatObservationsToFallom() {
		try (FallomMockServer backend = FallomMockServer.start();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
					.web(WebApplicationType.NONE)
					.properties(backend.propertyValues())
					.run()) {
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			assertThat(registry.isNoop()).isFalse();
			assertThat(context.getBean(FallomModels.class)).isNotNull();
			context.getBean(FallomTrace.class).setSession("support", "starter-session");
			// What every Spring AI provider model does around a call.
			ChatModelObservationContext chat = ChatModelObservationContext.builder()
				.prompt(new Prompt("hello", ChatOptions.builder().model("gpt-4o").build()))
				.provider("openai")
				.build();
			Observation.createNotStarted("gen_ai.client.operation", () -> chat, registry).observe(() -> {
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> !backend.traceRecords().isEmpty());
			TraceRecord record = backend.traceRecords().get(0);
			assertThat(record.kind()).isEqualTo("llm");
			assertThat(record.model()).isEqualTo("gpt-4o");
			assertThat(record.sessionId()).isEqualTo("starter-session");
		}
	}

	@Test
	void starterBringsNoAspectJAndLeavesTheApplicationsAopSetUpAsItIs() {
		assertThat(ClassUtils.isPresent("org.aspectj.weaver.Advice", getClass().getClassLoader())).isFalse();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class, Assistant.class)
			.web(WebApplicationType.NONE)
			.run()) {
			assertThat(context.getBean(Assistant.class).sessionId("s-1")).isEqualTo("s-1");
			// Boot's set-up without AspectJ, as in the app without Fallom: the starter used to
			// bring AspectJ, which turned on AspectJ auto-proxying for the whole app.
			assertThat(context.getBeansOfType(AbstractAutoProxyCreator.class).values())
				.extracting((creator) -> creator.getClass().getName())
				.doesNotContain("org.springframework.aop.aspectj.annotation.AnnotationAwareAspectJAutoProxyCreator");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

	static class Assistant {

		@FallomSession(configKey = "support", sessionId = "#id")
		String sessionId(String id) {
			return FallomSessionHolder.get().sessionId();
		}

	}

}
