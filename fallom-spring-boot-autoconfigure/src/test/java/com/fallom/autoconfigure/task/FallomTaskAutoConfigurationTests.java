package com.fallom.autoconfigure.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fallom.autoconfigure.FallomAutoConfiguration;
import com.fallom.autoconfigure.models.FallomModelsAutoConfiguration;
import com.fallom.models.FallomModels;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.task.FallomSessionTaskDecorator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session set by {@code FallomModels.get} on a pooled thread ends with its task: the
 * next, unrelated task on the same thread of Boot's executor, of {@code @Async} and of
 * {@code @Scheduled} starts without it; a task still runs in its submitter's session.
 */
class FallomTaskAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
				FallomTaskAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
				TaskSchedulingAutoConfiguration.class))
		.withPropertyValues("fallom.models.configs.support.variants[0].model=gpt-4o",
				"fallom.models.configs.support.variants[0].weight=100", "spring.task.execution.pool.core-size=1",
				"spring.task.execution.pool.max-size=1", "spring.task.scheduling.pool.size=1");

	// Tasks run in their submitter's session: the test thread must start without one.
	@BeforeEach
	@AfterEach
	void clear() {
		FallomSessionHolder.clear();
	}

	@Test
	void bootsExecutorRunsEachTaskInItsSubmittersSessionOnly() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FallomSessionTaskDecorator.class);
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			FallomModels models = context.getBean(FallomModels.class);
			executor.submit(() -> models.get("support", "leaky-session")).get(5, TimeUnit.SECONDS);
			assertThat(executor.submit(FallomSessionHolder::get).get(5, TimeUnit.SECONDS))
				.as("the next task on the one pooled thread")
				.isNull();
			FallomSessionHolder.set(new FallomSessionContext("agent", "submitter"));
			assertThat(executor.submit(FallomSessionHolder::get).get(5, TimeUnit.SECONDS))
				.isEqualTo(new FallomSessionContext("agent", "submitter"));
		});
	}

	@Test
	void withoutTheDecoratorAPooledThreadCarriesTheSessionIntoTheNextTask() {
		// The control: what the decorator prevents.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(FallomAutoConfiguration.class, FallomModelsAutoConfiguration.class,
					TaskExecutionAutoConfiguration.class))
			.withPropertyValues("fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=100", "spring.task.execution.pool.core-size=1",
					"spring.task.execution.pool.max-size=1")
			.run((context) -> {
				ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor",
						ThreadPoolTaskExecutor.class);
				FallomModels models = context.getBean(FallomModels.class);
				executor.submit(() -> models.get("support", "leaky-session")).get(5, TimeUnit.SECONDS);
				assertThat(executor.submit(FallomSessionHolder::get).get(5, TimeUnit.SECONDS).sessionId())
					.isEqualTo("leaky-session");
			});
	}

	@Test
	void asyncMethodsDoNotLeakASessionToTheNextCall() {
		this.runner.withUserConfiguration(AsyncConfiguration.class).run((context) -> {
			AsyncWork work = context.getBean(AsyncWork.class);
			work.assign("leaky-session").get(5, TimeUnit.SECONDS);
			assertThat(work.currentSession().get(5, TimeUnit.SECONDS)).isNull();
		});
	}

	@Test
	void scheduledRunsDoNotLeakASessionToTheNextRun() {
		this.runner.withUserConfiguration(ScheduledConfiguration.class).run((context) -> {
			ScheduledWork work = context.getBean(ScheduledWork.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> work.seenAtStart.size() >= 3);
			assertThat(work.seenAtStart).as("each run after the first starts without the first run's session")
				.allSatisfy((seen) -> assertThat(seen).isEqualTo("none"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		AsyncWork asyncWork(FallomModels models) {
			return new AsyncWork(models);
		}

	}

	static class AsyncWork {

		private final FallomModels models;

		AsyncWork(FallomModels models) {
			this.models = models;
		}

		@Async
		CompletableFuture<String> assign(String sessionId) {
			return CompletableFuture.completedFuture(this.models.get("support", sessionId));
		}

		@Async
		CompletableFuture<FallomSessionContext> currentSession() {
			return CompletableFuture.completedFuture(FallomSessionHolder.get());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ScheduledConfiguration {

		@Bean
		ScheduledWork scheduledWork(FallomModels models) {
			return new ScheduledWork(models);
		}

	}

	static class ScheduledWork {

		final List<String> seenAtStart = new CopyOnWriteArrayList<>();

		private final FallomModels models;

		private boolean first = true;

		ScheduledWork(FallomModels models) {
			this.models = models;
		}

		@Scheduled(fixedDelay = 20)
		void run() {
			if (this.first) {
				this.first = false;
				this.models.get("support", "scheduled-session");
				return;
			}
			this.seenAtStart.add((FallomSessionHolder.get() != null) ? FallomSessionHolder.get().sessionId() : "none");
		}

	}

}
