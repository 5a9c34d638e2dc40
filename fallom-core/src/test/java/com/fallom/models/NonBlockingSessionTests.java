package com.fallom.models;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.tracing.FallomTrace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.NonBlocking;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link FallomModels} and {@link FallomTrace} never leave a session behind on
 * a non-blocking thread, which serves many requests in turn.
 */
class NonBlockingSessionTests {

	private final FallomModels models = new FallomModels(new ModelConfigRegistry(List.of(new ModelConfig("support", 3,
			List.of(new ModelVariant("gpt-4o", 100)), ConfigOrigin.BOOTSTRAP)), null), null, null, List.of());

	private final ExecutorService eventLoop = Executors.newSingleThreadExecutor(EventLoopThread::new);

	@AfterEach
	void stop() {
		this.eventLoop.shutdownNow();
		FallomSessionHolder.clearAll();
	}

	@Test
	void getOnAnEventLoopLeavesNoSessionForTheThreadsNextTask() throws Exception {
		assertThat(onEventLoop(() -> this.models.get("support", "A"))).isEqualTo("gpt-4o");
		assertThat(onEventLoop(() -> this.models.get("support", "B", "fallback"))).isEqualTo("gpt-4o");
		assertThat(onEventLoop(() -> this.models.get("unknown", "A", "fallback"))).isEqualTo("fallback");
		assertThat(onEventLoop(FallomSessionHolder::get)).isNull();
	}

	@Test
	void getOnAnEventLoopInsideASessionScopeGivesThatScopeItsAssignment() throws Exception {
		FallomSessionContext assigned = onEventLoop(() -> {
			FallomSessionContext previous = FallomSessionHolder.set(new FallomSessionContext("support", "A"));
			try {
				this.models.get("support", "A");
				return FallomSessionHolder.get();
			}
			finally {
				FallomSessionHolder.set(previous);
			}
		});
		assertThat(assigned.model()).isEqualTo("gpt-4o");
		assertThat(assigned.configVersion()).isEqualTo(3);
		assertThat(onEventLoop(FallomSessionHolder::get)).isNull();
	}

	@Test
	void setSessionOnAnEventLoopOutsideAnyScopeIsIgnored() throws Exception {
		FallomTrace trace = new FallomTrace();
		assertThat(onEventLoop(() -> {
			trace.setSession("support", "A");
			return FallomSessionHolder.get();
		})).isNull();
	}

	@Test
	void getOnABlockingThreadStillSetsTheSessionForTheCallsThatFollow() {
		this.models.get("support", "A");
		assertThat(FallomSessionHolder.get()).isNotNull()
			.satisfies((session) -> assertThat(session.model()).isEqualTo("gpt-4o"));
	}

	private <T> T onEventLoop(Callable<T> task) throws Exception {
		return this.eventLoop.submit(task).get(10, TimeUnit.SECONDS);
	}

	/**
	 * A thread Reactor calls non-blocking, as a Netty event loop of WebFlux is.
	 */
	private static final class EventLoopThread extends Thread implements NonBlocking {

		EventLoopThread(Runnable task) {
			super(task, "test-event-loop");
		}

	}

}
