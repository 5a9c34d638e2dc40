package com.fallom.autoconfigure.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request's own server span ({@code http.server.requests}), opened before Fallom's
 * filter runs, carries the request's session, in a servlet and in a WebFlux app with
 * Spring Boot's OpenTelemetry tracing.
 */
class ServerSpanSessionTests {

	@ParameterizedTest
	@EnumSource(value = WebApplicationType.class, names = { "SERVLET", "REACTIVE" })
	void serverSpanCarriesTheSessionOfTheRequest(WebApplicationType type) throws Exception {
		Class<?> application = (type == WebApplicationType.SERVLET) ? ServletApplication.class
				: ReactiveApplication.class;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application).web(type)
			.properties("server.port=0", "management.tracing.sampling.probability=1.0",
					"management.otlp.metrics.export.enabled=false", "fallom.web.default-config-key=support")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
					.header("X-Fallom-Session-Id", "user-42")
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			Recorder recorder = context.getBean(Recorder.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> recorder.ended.stream().anyMatch((span) -> span.getKind().name().equals("SERVER")));
			SpanData server = recorder.ended.stream()
				.filter((span) -> span.getKind().name().equals("SERVER"))
				.findFirst()
				.orElseThrow();
			assertThat(server.getAttributes().get(AttributeKey.stringKey("fallom.session_id"))).isEqualTo("user-42");
			assertThat(server.getAttributes().get(AttributeKey.stringKey("fallom.config_key"))).isEqualTo("support");
		}
	}

	/**
	 * Records the application's ended spans.
	 */
	static class Recorder implements SpanProcessor {

		final List<SpanData> ended = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.ended.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServletApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		ServletController controller() {
			return new ServletController();
		}

	}

	@RestController
	static class ServletController {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReactiveApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		ReactiveController controller() {
			return new ReactiveController();
		}

	}

	@RestController
	static class ReactiveController {

		@GetMapping("/hello")
		Mono<String> hello() {
			return Mono.just("hello");
		}

	}

}
