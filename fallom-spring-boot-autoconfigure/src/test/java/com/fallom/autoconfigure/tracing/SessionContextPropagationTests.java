package com.fallom.autoconfigure.tracing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.springai.ObservedChatModel;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.test.ReceivedSpan;
import com.fallom.tracing.FallomTrace;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.autoconfigure.ReactorAutoConfiguration;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Fallom session survives the thread hops Spring apps make: Reactor with
 * {@code spring.reactor.context-propagation=auto}, executors decorated with
 * {@link ContextPropagatingTaskDecorator}, and {@code ContextSnapshot}-wrapped tasks; and
 * chat calls made after the hop are exported under it.
 */
@FallomMockServerTest
class SessionContextPropagationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@AfterEach
	void reset() {
		FallomSessionHolder.clear();
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void sessionFlowsThroughReactorWithAutomaticContextPropagation(FallomMockServer server) {
		FallomTracingIntegrationTests.runner(server)
			.withConfiguration(AutoConfigurations.of(ReactorAutoConfiguration.class))
			.withPropertyValues("spring.reactor.context-propagation=auto")
			.run((context) -> {
				FallomTrace trace = context.getBean(FallomTrace.class);
				ObservedChatModel chatModel = context.getBean(ObservedChatModel.class);
				trace.setSession("reactive-agent", "user-r");
				FallomSessionContext seen = Mono.just("hop")
					.publishOn(Schedulers.boundedElastic())
					.map((ignored) -> {
						assertThat(Thread.currentThread().getName()).contains("boundedElastic");
						chatModel.call(new Prompt(new UserMessage("from another thread")));
						return FallomSessionHolder.get();
					})
					.block(WAIT);
				assertThat(seen).isEqualTo(new FallomSessionContext("reactive-agent", "user-r"));
				List<String> streamed = Mono.just("hop")
					.publishOn(Schedulers.parallel())
					.flatMapMany((ignored) -> context.getBean(ChatClient.class).prompt().user("stream").stream().content())
					.collectList()
					.block(WAIT);
				assertThat(streamed).isNotEmpty();
				await().atMost(WAIT).until(() -> server.receivedSpans().size() == 2);
				assertThat(server.receivedSpans()).allSatisfy((span) -> {
					assertThat(span.attribute("fallom.config_key")).isEqualTo("reactive-agent");
					assertThat(span.attribute("fallom.session_id")).isEqualTo("user-r");
				});
			});
	}

	@Test
	void sessionFlowsThroughAnExecutorWithContextPropagatingTaskDecorator(FallomMockServer server) {
		FallomTracingIntegrationTests.runner(server).run((context) -> {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(1);
			executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
			executor.initialize();
			try {
				context.getBean(FallomTrace.class).setSession("async-agent", "user-e");
				ObservedChatModel chatModel = context.getBean(ObservedChatModel.class);
				FallomSessionContext seen = executor.submit(() -> {
					chatModel.call(new Prompt(new UserMessage("from a pool thread")));
					return FallomSessionHolder.get();
				}).get(10, TimeUnit.SECONDS);
				assertThat(seen).isEqualTo(new FallomSessionContext("async-agent", "user-e"));
				ReceivedSpan span = await().atMost(WAIT)
					.until(server::receivedSpans, (spans) -> spans.size() == 1)
					.get(0);
				assertThat(span.attribute("fallom.session_id")).isEqualTo("user-e");
				// The pool thread is left clean for the next task.
				FallomSessionHolder.clear();
				assertThat(executor.submit(FallomSessionHolder::get).get(10, TimeUnit.SECONDS)).isNull();
			}
			finally {
				executor.shutdown();
			}
		});
	}

	@Test
	void sessionFlowsIntoTasksWrappedWithAContextSnapshot() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			new FallomTrace().setSession("batch-agent", "job-1");
			ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();
			FallomSessionContext seen = executor.submit(snapshots.captureAll().wrap(FallomSessionHolder::get))
				.get(10, TimeUnit.SECONDS);
			assertThat(seen).isEqualTo(new FallomSessionContext("batch-agent", "job-1"));
			// Without the snapshot the session stays behind: the wrapping is what carries it.
			assertThat(executor.submit(FallomSessionHolder::get).get(10, TimeUnit.SECONDS)).isNull();
		}
		finally {
			executor.shutdownNow();
		}
	}

}
