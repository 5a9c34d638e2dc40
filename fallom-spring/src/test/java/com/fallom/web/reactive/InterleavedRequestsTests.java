package com.fallom.web.reactive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fallom.models.ConfigOrigin;
import com.fallom.models.FallomModels;
import com.fallom.models.ModelConfig;
import com.fallom.models.ModelConfigRegistry;
import com.fallom.models.ModelVariant;
import com.fallom.models.internal.NonBlockingThreads;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomAttributes;
import com.fallom.tracing.FallomSpanProcessor;
import com.fallom.web.SessionIdExtractor;
import io.netty.channel.EventLoop;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two requests interleaved on the one event loop of a real Reactor Netty server: request B
 * waits for its body while request A assigns its model, and must see its own session, with
 * Boot's default {@code spring.reactor.context-propagation=limited} as with {@code auto}.
 */
class InterleavedRequestsTests {

	private static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey(FallomAttributes.SESSION_ID);

	private final FallomModels models = new FallomModels(new ModelConfigRegistry(List.of(new ModelConfig("support", 3,
			List.of(new ModelVariant("gpt-4o", 50), new ModelVariant("claude-sonnet", 50)), ConfigOrigin.BOOTSTRAP)),
			null), null, null, List.of());

	private final List<SpanData> spans = new CopyOnWriteArrayList<>();

	private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
		.addSpanProcessor(new FallomSpanProcessor())
		.addSpanProcessor(SimpleSpanProcessor.create(new Collecting(this.spans)))
		.build();

	private final Tracer tracer = this.tracerProvider.get("test");

	private final LoopResources loops = LoopResources.create("fallom-test-loop", 1, true);

	private final Map<String, Object> seen = new ConcurrentHashMap<>();

	private final CountDownLatch bStarted = new CountDownLatch(1);

	private final CountDownLatch aAssigned = new CountDownLatch(1);

	private final CountDownLatch aAssignedAgain = new CountDownLatch(1);

	private final Sinks.Empty<Void> aWakesUp = Sinks.empty();

	private final Sinks.Empty<Void> aFinishes = Sinks.empty();

	private @Nullable DisposableServer server;

	@AfterEach
	void stop() {
		Hooks.disableAutomaticContextPropagation();
		if (this.server != null) {
			this.server.disposeNow();
		}
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
		this.tracerProvider.close();
		FallomSessionHolder.clearAll();
	}

	@ParameterizedTest(name = "context-propagation={0}")
	@ValueSource(strings = { "limited", "auto" })
	void requestWaitingForItsBodySeesItsOwnSessionWhileAnotherAssignsOnTheSameEventLoop(String propagation)
			throws Exception {
		if (propagation.equals("auto")) {
			// What Boot does for spring.reactor.context-propagation=auto
			Hooks.enableAutomaticContextPropagation();
		}
		String modelOfB = this.models.get("support", "B");
		FallomSessionHolder.clearAll();
		FallomSessionWebFilter filter = new FallomSessionWebFilter(
				new SessionIdExtractor("X-Fallom-Session-Id", null, null, null, "support", 256));
		HttpHandler httpHandler = WebHttpHandlerBuilder.webHandler(this::handle).filter(filter).build();
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			.handle(new ReactorHttpHandlerAdapter(httpHandler))
			.bindNow();
		try (Socket b = connect(); Socket a = connect()) {
			// B sends its headers and waits for its body.
			send(b, "POST /b HTTP/1.1\r\nHost: localhost\r\nX-Fallom-Session-Id: B\r\nContent-Length: 5\r\n"
					+ "Connection: close\r\n\r\n");
			assertThat(this.bStarted.await(10, TimeUnit.SECONDS)).isTrue();
			// A assigns its model in its handler, then again when woken up by a bare task of
			// the event loop, outside anything Fallom sees, and stays pending.
			send(a, "GET /a HTTP/1.1\r\nHost: localhost\r\nX-Fallom-Session-Id: A\r\nConnection: close\r\n\r\n");
			assertThat(this.aAssigned.await(10, TimeUnit.SECONDS)).isTrue();
			eventLoop().execute(this.aWakesUp::tryEmitEmpty);
			assertThat(this.aAssignedAgain.await(10, TimeUnit.SECONDS)).isTrue();
			// Now B's body arrives, on the same event loop.
			send(b, "hello");
			assertThat(body(b)).isEqualTo("B");
			assertThat(this.seen.get("b.thread")).isEqualTo(this.seen.get("a.thread"));
			assertThat(this.seen.get("b.nonBlocking")).isEqualTo(true);
			assertThat(this.seen.get("b.session")).isEqualTo("B");
			assertThat(this.seen.get("b.model")).isEqualTo(modelOfB);
			assertThat(this.spans).singleElement()
				.satisfies((span) -> assertThat(span.getAttributes().get(SESSION_ID)).isEqualTo("B"));
			assertThat(eventLoop().submit(FallomSessionHolder::get).get(10, TimeUnit.SECONDS)).isNull();
			eventLoop().execute(this.aFinishes::tryEmitEmpty);
			assertThat(body(a)).isEqualTo("A");
		}
		assertThat(eventLoop().submit(FallomSessionHolder::get).get(10, TimeUnit.SECONDS)).isNull();
	}

	private Mono<Void> handle(ServerWebExchange exchange) {
		if (exchange.getRequest().getPath().value().equals("/a")) {
			this.seen.put("a.thread", Thread.currentThread().getName());
			this.models.get("support", "A");
			this.aAssigned.countDown();
			return this.aWakesUp.asMono().then(Mono.fromRunnable(() -> {
				this.models.get("support", "A");
				this.aAssignedAgain.countDown();
			})).then(this.aFinishes.asMono()).then(write(exchange, "A"));
		}
		this.bStarted.countDown();
		return DataBufferUtils.join(exchange.getRequest().getBody()).map((buffer) -> {
			DataBufferUtils.release(buffer);
			this.seen.put("b.thread", Thread.currentThread().getName());
			this.seen.put("b.nonBlocking", NonBlockingThreads.isCurrent());
			FallomSessionContext session = FallomSessionHolder.get();
			this.seen.put("b.session", (session != null) ? session.sessionId() : "none");
			this.tracer.spanBuilder("b-work").startSpan().end();
			this.models.get("support", "B");
			FallomSessionContext assigned = FallomSessionHolder.get();
			this.seen.put("b.model", (assigned != null && assigned.model() != null) ? assigned.model() : "none");
			return (session != null) ? session.sessionId() : "none";
		}).flatMap((text) -> write(exchange, text));
	}

	private static Mono<Void> write(ServerWebExchange exchange, String text) {
		return exchange.getResponse()
			.writeWith(Mono.fromSupplier(
					() -> exchange.getResponse().bufferFactory().wrap(text.getBytes(StandardCharsets.UTF_8))));
	}

	private EventLoop eventLoop() {
		return (EventLoop) this.loops.onServer(true).next();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.server.port()), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String body(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream response = new ByteArrayOutputStream();
		in.transferTo(response);
		String text = response.toString(StandardCharsets.UTF_8);
		assertThat(text).startsWith("HTTP/1.1 200");
		return text.substring(text.indexOf("\r\n\r\n") + 4);
	}

	private record Collecting(List<SpanData> spans) implements SpanExporter {

		@Override
		public CompletableResultCode export(Collection<SpanData> batch) {
			this.spans.addAll(batch);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
