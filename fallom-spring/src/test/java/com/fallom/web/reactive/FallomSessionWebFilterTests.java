package com.fallom.web.reactive;

import java.util.concurrent.atomic.AtomicReference;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import com.fallom.web.SessionIdExtractor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionWebFilter} on the calling thread, as on an event loop.
 */
class FallomSessionWebFilterTests {

	private final FallomSessionWebFilter filter = new FallomSessionWebFilter(
			new SessionIdExtractor("X-Fallom-Session-Id", null, null, "X-Fallom-Config-Key", "support", 256));

	@AfterEach
	void clear() {
		FallomSessionHolder.clear();
	}

	@Test
	void sessionSetByAHandlerDoesNotOutliveItsRequest() {
		// A handler calling FallomModels.get() directly sets the thread-local without a scope.
		WebFilterChain leakyHandler = (exchange) -> Mono
			.fromRunnable(() -> FallomSessionHolder.set(new FallomSessionContext("support", "leaky")));
		this.filter.filter(exchange(null), leakyHandler).block();
		assertThat(FallomSessionHolder.get()).isNull();
	}

	@Test
	void requestStartsWithoutAStaleSession() {
		FallomSessionHolder.set(new FallomSessionContext("support", "stale"));
		AtomicReference<FallomSessionContext> seen = new AtomicReference<>(new FallomSessionContext("x", "y"));
		this.filter.filter(exchange(null), (exchange) -> Mono.fromRunnable(() -> seen.set(FallomSessionHolder.get())))
			.block();
		assertThat(seen.get()).isNull();
	}

	@Test
	void requestSessionTravelsInTheReactorContext() {
		AtomicReference<Object> seen = new AtomicReference<>();
		this.filter
			.filter(exchange("s-1"),
					(exchange) -> Mono.deferContextual((context) -> {
						seen.set(context.getOrDefault(FallomSessionThreadLocalAccessor.KEY, null));
						return Mono.empty();
					}))
			.block();
		assertThat(seen.get()).isEqualTo(new FallomSessionContext("support", "s-1"));
	}

	private static MockServerWebExchange exchange(String sessionId) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/chat");
		if (sessionId != null) {
			request.header("X-Fallom-Session-Id", sessionId);
		}
		return MockServerWebExchange.from(request);
	}

}
