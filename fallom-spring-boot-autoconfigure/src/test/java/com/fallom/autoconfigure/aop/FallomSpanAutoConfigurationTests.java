package com.fallom.autoconfigure.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fallom.annotation.FallomSpan;
import com.fallom.annotation.FallomSpanPostProcessor;
import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.autoconfigure.tracing.FallomTracingAutoConfiguration;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.TraceRecord;
import com.fallom.tracing.FallomSpan.Kind;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallomSpanAutoConfiguration}: {@code @FallomSpan} methods reach the mock
 * Fallom backend over real HTTP as manual-span records of the current session, nested,
 * with their kind and errors, also when they return a future, a {@code Mono} or a
 * {@code Flux}.
 */
@FallomMockServerTest
class FallomSpanAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	private static ApplicationContextRunner runner(FallomMockServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, FallomAutoConfiguration.class,
					FallomModelsAutoConfiguration.class, FallomTracingAutoConfiguration.class,
					FallomSessionAutoConfiguration.class, FallomSpanAutoConfiguration.class))
			.withUserConfiguration(PipelineConfiguration.class)
			.withPropertyValues(server.propertyValues())
			.withPropertyValues("spring.application.name=spans-test");
	}

	private static TraceRecord record(FallomMockServer server, String name) {
		await().atMost(WAIT).until(() -> server.traceRecords().stream().anyMatch((r) -> name.equals(r.name())));
		return server.traceRecords().stream().filter((r) -> name.equals(r.name())).findFirst().orElseThrow();
	}

	@Test
	void registersThePostProcessorAsInfrastructure(FallomMockServer server) {
		runner(server).run((context) -> {
			assertThat(context).hasSingleBean(FallomSpanPostProcessor.class);
			assertThat(context.getBeanFactory().getBeanDefinition("fallomSpanPostProcessor").getRole())
				.isEqualTo(BeanDefinition.ROLE_INFRASTRUCTURE);
		});
	}

	@Test
	void backsOffWhenFallomIsDisabled(FallomMockServer server) {
		runner(server).withPropertyValues("fallom.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(FallomSpanPostProcessor.class);
			assertThat(context.getBean(Pipeline.class).answer("q")).isEqualTo("answer to q from 2 documents");
		});
	}

	@Test
	void nestedAnnotatedMethodsAreManualRecordsOfTheSessionWithTheirKindAndParent(FallomMockServer server) {
		runner(server).run((context) -> {
			context.getBean(FallomTrace.class).setSession("support", "user-1");
			assertThat(context.getBean(Pipeline.class).answer("q")).isEqualTo("answer to q from 2 documents");
			TraceRecord answer = record(server, "answer-question");
			TraceRecord search = record(server, "Retriever.search");
			assertThat(List.of(answer, search)).allSatisfy((record) -> {
				assertThat(record.attribute("fallom.span_type")).isEqualTo("manual");
				assertThat(record.sessionId()).isEqualTo("user-1");
				assertThat(record.configKey()).isEqualTo("support");
				assertThat(record.status()).isEqualTo("OK");
			});
			assertThat(answer.kind()).isEqualTo("preprocessing");
			assertThat(answer.parentSpanId()).isNull();
			assertThat(search.kind()).isEqualTo("retrieval");
			assertThat(search.parentSpanId()).isEqualTo(answer.spanId());
			assertThat(search.traceId()).isEqualTo(answer.traceId());
		});
	}

	@Test
	void aFailingMethodIsAnErrorRecordAndItsExceptionReachesTheCaller(FallomMockServer server) {
		runner(server).run((context) -> {
			assertThatIllegalStateException().isThrownBy(() -> context.getBean(Retriever.class).failing())
				.withMessage("index down");
			TraceRecord failed = record(server, "rerank");
			assertThat(failed.status()).isEqualTo("ERROR");
			assertThat(failed.kind()).isEqualTo("postprocessing");
			assertThat(failed.errorMessage()).isNotNull();
		});
	}

	@Test
	void aFutureResultEndsTheSpanWhenItCompletesWithItsFailure(FallomMockServer server) {
		runner(server).run((context) -> {
			Retriever retriever = context.getBean(Retriever.class);
			CompletableFuture<String> result = retriever.later();
			assertThat(result).isNotDone();
			result.completeExceptionally(new IllegalStateException("too slow"));
			TraceRecord later = record(server, "Retriever.later");
			assertThat(later.status()).isEqualTo("ERROR");
			assertThat(later.errorMessage()).isNotNull();
		});
	}

	@Test
	void aMonoOrFluxResultEndsTheSpanWhenItTerminates(FallomMockServer server) {
		runner(server).run((context) -> {
			Retriever retriever = context.getBean(Retriever.class);
			assertThat(retriever.documents().collectList().block(WAIT)).containsExactly("doc-1", "doc-2");
			Mono<String> failing = retriever.failingMono();
			assertThat(server.traceRecords()).noneMatch((r) -> "Retriever.failingMono".equals(r.name()));
			assertThatIllegalStateException().isThrownBy(() -> failing.block(WAIT)).withMessage("no answer");
			assertThat(record(server, "Retriever.documents").status()).isEqualTo("OK");
			assertThat(record(server, "Retriever.failingMono").status()).isEqualTo("ERROR");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class PipelineConfiguration {

		@Bean
		Retriever retriever() {
			return new Retriever();
		}

		@Bean
		Pipeline pipeline(Retriever retriever) {
			return new Pipeline(retriever);
		}

	}

	static class Pipeline {

		private final Retriever retriever;

		Pipeline(Retriever retriever) {
			this.retriever = retriever;
		}

		@FallomSpan(name = "answer-question", kind = Kind.PREPROCESSING)
		String answer(String question) {
			return "answer to " + question + " from " + this.retriever.search(question).size() + " documents";
		}

	}

	static class Retriever {

		final CompletableFuture<String> pending = new CompletableFuture<>();

		// tag::fallom-span[]
		@FallomSpan(kind = Kind.RETRIEVAL)
		List<String> search(String question) {
			return List.of("doc-1", "doc-2");
		}
		// end::fallom-span[]

		@FallomSpan(value = "rerank", kind = Kind.POSTPROCESSING)
		String failing() {
			throw new IllegalStateException("index down");
		}

		@FallomSpan
		CompletableFuture<String> later() {
			return this.pending;
		}

		@FallomSpan(kind = Kind.RETRIEVAL)
		Flux<String> documents() {
			return Flux.just("doc-1", "doc-2");
		}

		@FallomSpan
		Mono<String> failingMono() {
			return Mono.error(new IllegalStateException("no answer"));
		}

	}

}
