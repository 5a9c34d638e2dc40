package com.fallom.autoconfigure.tracing;

import java.util.ArrayList;
import java.util.List;

import com.fallom.Fallom;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.springai.FallomChatClientObservationHandler;
import com.fallom.springai.FallomChatObservationHandler;
import com.fallom.springai.FallomEmbeddingObservationHandler;
import com.fallom.springai.FallomSessionObservationHandler;
import com.fallom.springai.FallomToolObservationHandler;
import com.fallom.springai.FallomVectorStoreObservationHandler;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.tracing.FallomTrace;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.sdk.trace.SpanProcessor;

import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of tracing: the {@link FallomTrace} session context and custom metrics, the tagging of
 * Spring AI observations and of the application's spans with the session (when the
 * application has an OpenTelemetry {@code SdkTracerProvider} bean), and the export
 * of every Spring AI chat call to Fallom over OTLP, with the tool calls, embedding calls,
 * vector store queries, ChatClient calls and advisors of an agent run unless
 * {@code fallom.tracing.include-non-chat} is {@code false}.
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
@ConditionalOnBean(Fallom.class)
public final class FallomTracingAutoConfiguration {

	private static final String CHAT_CLIENT_OBSERVATION_CONTEXT = "org.springframework.ai.chat.client.observation."
			+ "ChatClientObservationContext";

	private static final String VECTOR_STORE_OBSERVATION_CONTEXT = "org.springframework.ai.vectorstore.observation."
			+ "VectorStoreObservationContext";

	@Bean
	@ConditionalOnMissingBean
	FallomTrace fallomTrace(Fallom fallom) {
		return fallom.trace();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ChatModelObservationContext.class, ObservationHandler.class,
			FallomSessionObservationHandler.class })
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
	@ConditionalOnClass({ ChatModelObservationContext.class, ObservationHandler.class,
			FallomChatObservationHandler.class })
	@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
	static class SpringAiExportConfiguration {

		// Registered offline too: the engine's tracer is then a no-op, so an app built
		// without a key exports as soon as it starts with one.
		@Bean
		@ConditionalOnMissingBean
		FallomChatObservationHandler fallomChatObservationHandler(Fallom fallom) {
			return new FallomChatObservationHandler(fallom.tracer(), fallom.isCaptureContent(),
					fallom.getMaxContentLength());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ChatModelObservationContext.class, ObservationHandler.class,
			FallomToolObservationHandler.class })
	@ConditionalOnBooleanProperty(name = { "fallom.tracing.enabled", "fallom.tracing.include-non-chat" },
			matchIfMissing = true)
	static class SpringAiAgentExportConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomToolObservationHandler fallomToolObservationHandler(Fallom fallom) {
			return new FallomToolObservationHandler(fallom.tracer(), fallom.isCaptureContent(),
					fallom.getMaxContentLength());
		}

		@Bean
		@ConditionalOnMissingBean
		FallomEmbeddingObservationHandler fallomEmbeddingObservationHandler(Fallom fallom) {
			return new FallomEmbeddingObservationHandler(fallom.tracer(), fallom.isCaptureContent());
		}

		// Only with Spring AI's vector store module: an app without it runs no vector store
		// query, and the handler would be asked about every observation for nothing.
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = VECTOR_STORE_OBSERVATION_CONTEXT)
		static class VectorStoreExportConfiguration {

			@Bean
			@ConditionalOnMissingBean
			FallomVectorStoreObservationHandler fallomVectorStoreObservationHandler(Fallom fallom) {
				return new FallomVectorStoreObservationHandler(fallom.tracer(), fallom.isCaptureContent(),
						fallom.getMaxContentLength());
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = CHAT_CLIENT_OBSERVATION_CONTEXT)
		static class ChatClientExportConfiguration {

			@Bean
			@ConditionalOnMissingBean
			FallomChatClientObservationHandler fallomChatClientObservationHandler(Fallom fallom) {
				return new FallomChatClientObservationHandler(fallom.tracer(), fallom.isCaptureContent());
			}

		}

	}

	// Only for an app with a tracer provider of its own (Spring Boot's OpenTelemetry
	// tracing, or its own SdkTracerProvider bean): without one there are no application
	// spans to tag, and the bean would only load OpenTelemetry's SDK types at start-up.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpanProcessor.class)
	@ConditionalOnBooleanProperty(name = "fallom.tracing.enabled", matchIfMissing = true)
	@ConditionalOnBean(type = "io.opentelemetry.sdk.trace.SdkTracerProvider")
	static class ApplicationSpanConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FallomSpanProcessor fallomSpanProcessor() {
			return new FallomSpanProcessor();
		}

	}

}
