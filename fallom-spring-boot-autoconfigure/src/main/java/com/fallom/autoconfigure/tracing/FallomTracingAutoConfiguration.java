package com.fallom.autoconfigure.tracing;

import java.util.ArrayList;
import java.util.List;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.FallomProperties;
import com.fallom.internal.FallomHttpClient;
import com.fallom.tracing.CustomMetricsSender;
import com.fallom.tracing.FallomChatObservationHandler;
import com.fallom.tracing.FallomSessionObservationHandler;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.FallomTrace;
import com.fallom.tracing.FallomTraceExporter;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;

import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of tracing: the {@link FallomTrace} session context and custom metrics, the tagging of
 * Spring AI observations and of the application's spans with the session, and the export
 * of every Spring AI chat call to Fallom over OTLP.
 * <p>
 * Ordered after Spring Boot's observation and OpenTelemetry auto-configurations, by
 * their Spring Boot 4 names. Never declares a {@code BatchSpanProcessor} or
 * {@code OtlpHttpSpanExporter} bean, from which Spring Boot's own tracing would back off:
 * Fallom's exporter lives in a private tracer provider.
 */
@AutoConfiguration(after = FallomAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "fallom.enabled", matchIfMissing = true)
public final class FallomTracingAutoConfiguration {

	private static final String CHAT_CLIENT_OBSERVATION_CONTEXT = "org.springframework.ai.chat.client.observation."
			+ "ChatClientObservationContext";

	@Bean
	@ConditionalOnMissingBean
	FallomTrace fallomTrace(ObjectProvider<CustomMetricsSender> metricsSender) {
		return new FallomTrace(metricsSender.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(FallomHttpClient.class)
	CustomMetricsSender fallomCustomMetricsSender(FallomHttpClient client, FallomProperties properties) {
		FallomProperties.Tracing tracing = properties.getTracing();
		return new CustomMetricsSender(client, tracing.getMetricsQueueCapacity(), tracing.getExportTimeout(),
				properties.getShutdownTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ChatModelObservationContext.class, ObservationHandler.class })
	@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
	static class SpringAiObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomSessionObservationHandler fallomSessionObservationHandler(ResourceLoader resourceLoader) {
			List<Class<? extends Observation.Context>> contexts = new ArrayList<>();
			contexts.add(ChatModelObservationContext.class);
			ClassLoader classLoader = resourceLoader.getClassLoader();
			// ChatClient is in spring-ai-client-chat, which a ChatModel-only app may lack.
			if (ClassUtils.isPresent(CHAT_CLIENT_OBSERVATION_CONTEXT, classLoader)) {
				contexts.add(ClassUtils.resolveClassName(CHAT_CLIENT_OBSERVATION_CONTEXT, classLoader)
					.asSubclass(Observation.Context.class));
			}
			return new FallomSessionObservationHandler(contexts);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ChatModelObservationContext.class, ObservationHandler.class, SdkTracerProvider.class,
			OtlpHttpSpanExporter.class })
	@ConditionalOnBean(FallomHttpClient.class)
	@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
	static class OtlpExportConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomTraceExporter fallomTraceExporter(FallomHttpClient client, FallomProperties properties,
				ObjectProvider<Resource> resource, Environment environment) {
			FallomProperties.Tracing tracing = properties.getTracing();
			FallomTraceExporter.Settings settings = new FallomTraceExporter.Settings(tracing.getQueueCapacity(),
					tracing.getMaxQueuedBytes().toBytes(), tracing.getBatchSize(), tracing.getExportTimeout(),
					properties.getShutdownTimeout());
			return new FallomTraceExporter(
					FallomTraceExporter.otlpExporter(client.getBaseUrl(), properties.getApiKey(),
							tracing.getExportTimeout()),
					resource.getIfAvailable(() -> defaultResource(environment)), settings);
		}

		private static Resource defaultResource(Environment environment) {
			String name = environment.getProperty("spring.application.name");
			if (!StringUtils.hasText(name)) {
				return Resource.getDefault();
			}
			return Resource.getDefault()
				.merge(Resource.builder().put(AttributeKey.stringKey("service.name"), name).build());
		}

		@Bean
		@ConditionalOnMissingBean
		FallomChatObservationHandler fallomChatObservationHandler(FallomTraceExporter exporter,
				FallomProperties properties) {
			return new FallomChatObservationHandler(exporter.getTracer(), properties.isCaptureContent());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpanProcessor.class)
	@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
	static class ApplicationSpanConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomSpanProcessor fallomSpanProcessor() {
			return new FallomSpanProcessor();
		}

	}

}
