package com.fallom.autoconfigure.tracing;

import com.fallom.Fallom;
import com.fallom.internal.QueueStatistics;
import java.util.List;
import java.util.Map;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.springai.FallomChatClientObservationHandler;
import com.fallom.springai.FallomChatObservationHandler;
import com.fallom.springai.FallomEmbeddingObservationHandler;
import com.fallom.springai.FallomSessionObservationHandler;
import com.fallom.springai.FallomToolObservationHandler;
import com.fallom.springai.FallomVectorStoreObservationHandler;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.FallomTraceExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomTracingAutoConfiguration}.
 */
class FallomTracingAutoConfigurationTests {

	private static final String[] ONLINE = { "fallom.api-key=test-key", "fallom.base-url=http://127.0.0.1:9" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomTracingAutoConfiguration.class));

	/** An app with Spring Boot's OpenTelemetry tracing, whose tracer provider takes span processor beans. */
	private final ApplicationContextRunner withBootTracing = this.runner.withConfiguration(AutoConfigurations
		.of(ObservationAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
				OpenTelemetryTracingAutoConfiguration.class));

	@Test
	void registersTheAgentRunHandlersBesideTheChatHandler() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(FallomChatObservationHandler.class)
			.hasSingleBean(FallomToolObservationHandler.class)
			.hasSingleBean(FallomEmbeddingObservationHandler.class)
			.hasSingleBean(FallomVectorStoreObservationHandler.class)
			.hasSingleBean(FallomChatClientObservationHandler.class));
	}

	@Test
	void includeNonChatFalseExportsChatCallsOnly() {
		this.runner.withPropertyValues("fallom.tracing.include-non-chat=false")
			.run((context) -> assertThat(context).hasSingleBean(FallomChatObservationHandler.class)
				.doesNotHaveBean(FallomToolObservationHandler.class)
				.doesNotHaveBean(FallomEmbeddingObservationHandler.class)
				.doesNotHaveBean(FallomVectorStoreObservationHandler.class)
				.doesNotHaveBean(FallomChatClientObservationHandler.class));
	}

	@Test
	void withoutSpringAiVectorStoreRegistersNoVectorStoreHandler() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.ai.vectorstore"))
			.run((context) -> assertThat(context).hasSingleBean(FallomToolObservationHandler.class)
				.hasSingleBean(FallomEmbeddingObservationHandler.class)
				.doesNotHaveBean(FallomVectorStoreObservationHandler.class));
	}

	@Test
	void withoutTheChatClientExportsToolsButNoChatClientSpans() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.ai.chat.client"))
			.run((context) -> assertThat(context).hasSingleBean(FallomToolObservationHandler.class)
				.doesNotHaveBean(FallomChatClientObservationHandler.class));
	}

	@Test
	void offlineRegistersTheSessionContextAndTaggingButNothingThatSends() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallomTrace.class)
				.hasSingleBean(FallomSessionObservationHandler.class)
				.hasSingleBean(FallomChatObservationHandler.class);
			// Offline is decided at run time: the handler is there, its tracer a no-op.
			Fallom fallom = context.getBean(Fallom.class);
			assertThat(fallom.isOnline()).isFalse();
			assertThat(fallom.traceExporter()).isNull();
			assertThat(fallom.queues()).isEmpty();
		});
	}

	@Test
	void onlineRegistersExportAndMetricsButNeverBeansThatMakeBootsTracingBackOff() {
		this.runner.withPropertyValues(ONLINE).run((context) -> {
			assertThat(context.getBean(Fallom.class).traceExporter()).isNotNull();
			assertThat(context.getBean(Fallom.class).queues()).extracting(QueueStatistics::getQueueName)
				.containsExactly("sessions", "metrics", "spans");
			assertThat(context).hasSingleBean(FallomChatObservationHandler.class)
				.doesNotHaveBean(FallomTraceExporter.class)
				.doesNotHaveBean(OtlpHttpSpanExporter.class)
				.doesNotHaveBean(SpanExporter.class)
				.doesNotHaveBean(SdkTracerProvider.class);
			// Not even the tagging one: the app has no tracer provider to give it to.
			assertThat(context).doesNotHaveBean(SpanProcessor.class);
		});
	}

	@Test
	void withoutATracerProviderOfTheAppRegistersNoSpanProcessor() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(FallomSessionObservationHandler.class)
			.doesNotHaveBean(SpanProcessor.class));
		this.runner.withPropertyValues(ONLINE)
			.run((context) -> assertThat(context).doesNotHaveBean(SpanProcessor.class));
	}

	@Test
	void withBootsOpenTelemetryTracingTheAppsSpansAreTagged() {
		this.withBootTracing.run((context) -> assertThat(context).hasSingleBean(SdkTracerProvider.class)
			.getBeans(SpanProcessor.class)
			.hasEntrySatisfying("fallomSpanProcessor", (processor) -> assertThat(processor)
				.isInstanceOf(FallomSpanProcessor.class)));
	}

	@Test
	void withATracerProviderBeanOfTheAppsOwnTheAppsSpansAreTagged() {
		this.runner.withUserConfiguration(AppTracerProvider.class)
			.run((context) -> assertThat(context).hasSingleBean(FallomSpanProcessor.class));
	}

	@Test
	void tracingDisabledKeepsTheSessionContextAndCustomMetricsOnly() {
		this.withBootTracing.withPropertyValues(ONLINE).withPropertyValues("fallom.tracing.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(FallomTrace.class)
				.doesNotHaveBean(FallomSessionObservationHandler.class)
				.doesNotHaveBean(FallomSpanProcessor.class)
				.doesNotHaveBean(FallomChatObservationHandler.class);
			assertThat(context.getBean(Fallom.class).traceExporter()).isNull();
			assertThat(context.getBean(Fallom.class).queues()).extracting(QueueStatistics::getQueueName)
				.containsExactly("sessions", "metrics");
		});
	}

	@Test
	void fallomDisabledRegistersNothing() {
		this.withBootTracing.withPropertyValues(ONLINE).withPropertyValues("fallom.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(FallomTrace.class).doesNotHaveBean(FallomSpanProcessor.class);
		});
	}

	@Test
	void withoutSpringAiThereAreNoObservationHandlers() {
		this.withBootTracing.withPropertyValues(ONLINE)
			.withClassLoader(new FilteredClassLoader("org.springframework.ai"))
			.run((context) -> {
				assertThat(context).hasSingleBean(FallomTrace.class)
					.hasSingleBean(FallomSpanProcessor.class)
					.doesNotHaveBean(FallomSessionObservationHandler.class)
					.doesNotHaveBean(FallomChatObservationHandler.class);
			});
	}

	@Test
	void withoutChatClientOnlyChatModelObservationsAreTagged() {
		this.runner.withClassLoader(new FilteredClassLoader(ChatClientObservationContext.class)).run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionObservationHandler.class);
		});
	}

	@Test
	void userBeansReplaceFallomsOwn() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).getBean(FallomTrace.class).isSameAs(context.getBean("myTrace"));
			assertThat(context).getBean(FallomSpanProcessor.class).isSameAs(context.getBean("mySpanProcessor"));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "fallom.tracing.queue-capacity=0", "fallom.tracing.batch-size=-1",
			"fallom.tracing.metrics-queue-capacity=0", "fallom.tracing.max-queued-bytes=0",
			"fallom.tracing.export-timeout=0s" })
	void invalidTracingPropertiesFailFastNamingTheProperty(String property) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property.substring(0, property.indexOf('=')));
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "false", "0", "no" })
	void pythonSdkEnvironmentVariableTurnsContentCaptureOff(String value) {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("env", Map.of("FALLOM_CAPTURE_CONTENT", value))))
			.run((context) -> assertThat(context.getBean(FallomProperties.class).isCaptureContent()).isFalse());
	}

	@Test
	void contentCaptureIsOnByDefaultAsInThePythonSdk() {
		this.runner.run((context) -> assertThat(context.getBean(FallomProperties.class).isCaptureContent()).isTrue());
	}

	@Test
	void ordersAfterBootsObservationAndOpenTelemetryAutoConfigurationsByTheirRealNames() throws Exception {
		String[] afterNames = FallomTracingAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName();
		assertThat(afterNames).isNotEmpty();
		for (String name : afterNames) {
			// A stale name is silently ignored by Boot: make sure each one is a real class.
			assertThat(Class.forName(name)).isNotNull();
		}
		List<Class<?>> bootFirst = List.of(ObservationAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
				OpenTelemetryTracingAutoConfiguration.class);
		// Boot sorts auto-configurations by their ordering annotations, whatever the order given.
		List<Class<?>> sorted = List.of(Configurations.getClasses(AutoConfigurations.of(
				FallomTracingAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
				OpenTelemetrySdkAutoConfiguration.class, ObservationAutoConfiguration.class)));
		for (Class<?> boot : bootFirst) {
			assertThat(sorted.indexOf(boot)).isLessThan(sorted.indexOf(FallomTracingAutoConfiguration.class));
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class AppTracerProvider {

		@Bean(destroyMethod = "close")
		SdkTracerProvider appTracerProvider() {
			return SdkTracerProvider.builder().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		FallomTrace myTrace() {
			return new FallomTrace();
		}

		@Bean
		FallomSpanProcessor mySpanProcessor() {
			return new FallomSpanProcessor();
		}

	}

}
