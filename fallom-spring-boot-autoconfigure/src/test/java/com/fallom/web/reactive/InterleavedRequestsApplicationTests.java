package com.fallom.web.reactive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.MockConfig;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two requests interleaved on the one event loop of a Boot WebFlux app with the default
 * {@code spring.reactor.context-propagation=limited}: a {@code @RequestBody} controller
 * invoked once its body arrives sees its own request's session (neither none nor the one
 * another request's {@code FallomModels.get} set meanwhile), and nothing stays on the loop.
 */
class InterleavedRequestsApplicationTests {

	private static final LoopResources loops = LoopResources.create("fallom-app-loop", 1, true);

	private static final CountDownLatch bStarted = new CountDownLatch(1);

	private static final CountDownLatch aAssigned = new CountDownLatch(1);

	private static final Sinks.Empty<Void> aFinishes = Sinks.empty();

	private static FallomMockServer backend;

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void startServer() {
		backend = FallomMockServer.start();
		backend.putConfig(MockConfig.key("support").variant("gpt-4o", 50).variant("claude-3-5-sonnet", 50));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties(backend.propertyValues())
			.properties("server.port=0", "spring.reactor.context-propagation=limited",
					"fallom.web.default-config-key=support", "management.otlp.metrics.export.enabled=false")
			.run();
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	@AfterAll
	static void stopServer() {
		context.close();
		backend.close();
		loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
	}

	@Test
	void requestBodyControllerSeesItsOwnSessionWhileAnotherRequestIsPending() throws Exception {
		String modelOfB = context.getBean(FallomModels.class).get("support", "B");
		FallomSessionHolder.clearAll();
		try (Socket b = connect(); Socket a = connect()) {
			send(b, "POST /b HTTP/1.1\r\nHost: localhost\r\nX-Fallom-Session-Id: B\r\n"
					+ "Content-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
			assertThat(bStarted.await(10, TimeUnit.SECONDS)).isTrue();
			send(a, "GET /a HTTP/1.1\r\nHost: localhost\r\nX-Fallom-Session-Id: A\r\nConnection: close\r\n\r\n");
			assertThat(aAssigned.await(10, TimeUnit.SECONDS)).isTrue();
			send(b, "hello");
			assertThat(body(b)).isEqualTo("B " + modelOfB);
			assertThat(eventLoop().submit(FallomSessionHolder::get).get(10, TimeUnit.SECONDS)).isNull();
			eventLoop().execute(aFinishes::tryEmitEmpty);
			assertThat(body(a)).isEqualTo("A");
		}
	}

	private static EventLoop eventLoop() {
		return (EventLoop) loops.onServer(true).next();
	}

	private static Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String body(Socket socket) throws IOException {
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		socket.getInputStream().transferTo(response);
		String text = response.toString(StandardCharsets.UTF_8);
		assertThat(text).startsWith("HTTP/1.1 200");
		return text.substring(text.indexOf("\r\n\r\n") + 4);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(InterleavedController.class)
	static class TestApplication {

		@Bean
		NettyServerCustomizer oneEventLoop() {
			return (server) -> server.runOn(loops);
		}

		@Bean
		WebFilter requestStarted() {
			return (exchange, chain) -> {
				if (exchange.getRequest().getPath().value().equals("/b")) {
					bStarted.countDown();
				}
				return chain.filter(exchange);
			};
		}

	}

	@RestController
	static class InterleavedController {

		private final FallomModels models;

		InterleavedController(FallomModels models) {
			this.models = models;
		}

		@GetMapping("/a")
		Mono<String> a() {
			this.models.get("support", "A");
			aAssigned.countDown();
			return aFinishes.asMono().then(Mono.just("A"));
		}

		@PostMapping("/b")
		String b(@RequestBody String body) {
			// Invoked once the body has arrived, on the event loop.
			FallomSessionContext session = FallomSessionHolder.get();
			String seen = (session != null) ? session.sessionId() : "none";
			this.models.get("support", seen.equals("none") ? "B" : seen);
			FallomSessionContext assigned = FallomSessionHolder.get();
			return seen + " " + ((assigned != null) ? assigned.model() : "none");
		}

	}

}
