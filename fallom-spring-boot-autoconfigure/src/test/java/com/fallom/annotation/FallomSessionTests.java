package com.fallom.annotation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fallom.autoconfigure.aop.FallomSessionAutoConfiguration;
import com.fallom.session.FallomSessionContext;
import com.fallom.session.FallomSessionHolder;
import com.fallom.session.FallomSessionThreadLocalAccessor;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FallomSession @FallomSession} (its {@link FallomSessionInterceptor}) on
 * sync, {@code Mono}, {@code Flux} and {@code CompletableFuture} methods.
 */
class FallomSessionTests {

	private static final ExecutorService executor = Executors.newSingleThreadExecutor();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(AopAutoConfiguration.class, FallomSessionAutoConfiguration.class))
		.withUserConfiguration(ServicesConfiguration.class);

	@AfterEach
	void clearSession() {
		FallomSessionHolder.clear();
	}

	@AfterAll
	static void stopExecutor() {
		executor.shutdownNow();
	}

	@Test
	void setsSessionForTheMethodAndRestoresNoneAfter() {
		run((assistant) -> {
			assertThat(assistant.answer("c-1", "hi")).isEqualTo("support-assistant/c-1");
			assertThat(FallomSessionHolder.get()).isNull();
		});
	}

	@Test
	void restoresThePreviousSession() {
		run((assistant) -> {
			FallomSessionHolder.set(new FallomSessionContext("outer", "o-1"));
			assertThat(assistant.answer("c-1", "hi")).isEqualTo("support-assistant/c-1");
			assertThat(describe()).isEqualTo("outer/o-1");
		});
	}

	@Test
	void restoresThePreviousSessionWhenTheMethodThrows() {
		run((assistant) -> {
			FallomSessionHolder.set(new FallomSessionContext("outer", "o-1"));
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> assistant.fail("c-1"))
				.withMessage("failed in support/c-1");
			assertThat(describe()).isEqualTo("outer/o-1");
		});
	}

	@Test
	void evaluatesParameterIndexAndPropertyPathExpressions() {
		run((assistant) -> {
			assertThat(assistant.byIndex("c-2")).isEqualTo("support/c-2");
			assertThat(assistant.byRequest(new ChatRequest("summarizer", "r-1"))).isEqualTo("summarizer/r-1");
		});
	}

	@Test
	void classLevelAnnotationAppliesToEveryMethodAndMethodLevelWins() {
		this.runner.run((context) -> {
			AnnotatedClass service = context.getBean(AnnotatedClass.class);
			assertThat(service.plain("c-3")).isEqualTo("class-level/c-3");
			assertThat(service.overridden("c-4")).isEqualTo("method-level/c-4");
		});
	}

	@Test
	void nestedAnnotatedCallsRestoreTheOuterSession() {
		run((assistant) -> assertThat(assistant.nested("outer-1", "inner-1"))
			.isEqualTo("support/outer-1 > inner/inner-1 > support/outer-1"));
	}

	@Test
	void nullOrBlankSessionIdFailsNamingTheMethodAndTheExpression() {
		run((assistant) -> {
			assertThatIllegalArgumentException().isThrownBy(() -> assistant.answer(null, "hi"))
				.withMessageContaining(Assistant.class.getName() + ".answer")
				.withMessageContaining("'#conversationId'")
				.withMessageContaining("null");
			assertThatIllegalArgumentException().isThrownBy(() -> assistant.answer(" ", "hi"))
				.withMessageContaining(Assistant.class.getName() + ".answer")
				.withMessageContaining("blank");
			assertThat(FallomSessionHolder.get()).isNull();
		});
	}

	@Test
	void contextMetadataAndTagsEntriesAreEvaluatedForEachCall() {
		run((assistant) -> {
			FallomSessionContext session = assistant.withEntries("e-1", "enterprise", 3);
			assertThat(session.targetingContext()).containsOnly(Map.entry("plan", "enterprise"),
					Map.entry("tier", "gold"));
			assertThat(session.metadata()).containsOnly(Map.entry("count", 3), Map.entry("source", "enterprise"),
					Map.entry("timeout", "PT3S"));
			assertThat(session.tags()).containsExactly("beta", "enterprise");
			FallomSessionContext withoutPlan = assistant.withEntries("e-2", null, 0);
			assertThat(withoutPlan.targetingContext()).as("a null value leaves the field absent")
				.containsOnly(Map.entry("tier", "gold"));
			assertThat(withoutPlan.metadata()).doesNotContainKey("source");
			assertThat(withoutPlan.tags()).containsExactly("beta");
		});
	}

	@Test
	void fieldsOfTheCurrentSessionWithTheSameIdAreKeptAndOverridden() {
		run((assistant) -> {
			FallomSessionHolder.set(new FallomSessionContext("web", "e-1", "c-1")
				.withTargetingContext(Map.of("plan", "free", "region", "eu-west-1"))
				.withMetadata(Map.of("channel", "web"))
				.withTags(List.of("from-request", "beta")));
			FallomSessionContext session = assistant.withEntries("e-1", "enterprise", 3);
			assertThat(session.customerId()).isEqualTo("c-1");
			assertThat(session.targetingContext()).containsOnly(Map.entry("plan", "enterprise"),
					Map.entry("region", "eu-west-1"), Map.entry("tier", "gold"));
			assertThat(session.metadata()).containsEntry("channel", "web").containsEntry("count", 3);
			assertThat(session.tags()).containsExactly("from-request", "beta", "enterprise");
			FallomSessionContext other = assistant.withEntries("e-2", "enterprise", 3);
			assertThat(other.targetingContext()).as("another session: not the request's fields")
				.doesNotContainKey("region");
			assertThat(other.customerId()).isNull();
		});
	}

	@Test
	void malformedEntriesFailStartUpNamingTheMethodAndTheEntry() {
		this.runner.withBean(MalformedEntries.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining(MalformedEntries.class.getName() + ".noSeparator")
				.hasStackTraceContaining("context entry 'plan' that is not of the form name=value");
		});
		this.runner.withBean(DuplicateEntries.class)
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining(DuplicateEntries.class.getName() + ".twice")
				.hasStackTraceContaining("two metadata entries named 'a'"));
	}

	@Test
	void monoSeesSessionWhenSubscribedAndInItsContext() {
		run((assistant) -> {
			Mono<String> mono = assistant.mono("m-1");
			assertThat(FallomSessionHolder.get()).isNull();
			StepVerifier.create(mono).expectNext("support/m-1 in context, support/m-1 at subscribe").verifyComplete();
			assertThat(FallomSessionHolder.get()).isNull();
		});
	}

	@Test
	void monoSeesSessionAcrossPublishOnWithAutomaticContextPropagation() {
		withAutomaticContextPropagation(() -> run((assistant) -> {
			StepVerifier.create(assistant.monoHop("m-2")).expectNext("support/m-2 on parallel").verifyComplete();
			assertThat(FallomSessionHolder.get()).isNull();
		}));
	}

	@Test
	void fluxSeesSessionForEveryElement() {
		run((assistant) -> StepVerifier.create(assistant.flux("f-1"))
			.expectNext("support/f-1", "support/f-1", "support/f-1")
			.verifyComplete());
	}

	@Test
	void fluxSeesSessionAcrossPublishOnWithAutomaticContextPropagation() {
		withAutomaticContextPropagation(() -> run((assistant) -> StepVerifier.create(assistant.fluxHop("f-2"))
			.expectNext("support/f-2", "support/f-2", "support/f-2")
			.verifyComplete()));
	}

	@Test
	void completableFutureMethodRunsInSessionAndCallerIsRestored() {
		run((assistant) -> {
			assertThat(assistant.future("cf-1").join()).isEqualTo("support/cf-1");
			assertThat(FallomSessionHolder.get()).isNull();
		});
	}

	@Test
	void completableFutureWorkOnContextPropagatingExecutorSeesSession() {
		run((assistant) -> {
			CompletableFuture<String> future = assistant.futureAsync("cf-2");
			assertThat(FallomSessionHolder.get()).isNull();
			assertThat(future.join()).isEqualTo("support/cf-2");
		});
	}

	private void run(ThrowingAssistantConsumer consumer) {
		this.runner.run((ContextConsumer<AssertableApplicationContext>) (context) -> {
			assertThat(context).hasNotFailed();
			consumer.accept(context.getBean(Assistant.class));
		});
	}

	private static void withAutomaticContextPropagation(Runnable runnable) {
		Hooks.enableAutomaticContextPropagation();
		try {
			runnable.run();
		}
		finally {
			Hooks.disableAutomaticContextPropagation();
		}
	}

	static String describe() {
		FallomSessionContext session = FallomSessionHolder.get();
		return (session != null) ? session.configKey() + "/" + session.sessionId() : "none";
	}

	interface ThrowingAssistantConsumer {

		void accept(Assistant assistant) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	static class ServicesConfiguration {

		@Bean
		Inner inner() {
			return new Inner();
		}

		@Bean
		Assistant assistant(Inner inner) {
			return new Assistant(inner);
		}

		@Bean
		AnnotatedClass annotatedClass() {
			return new AnnotatedClass();
		}

	}

	/**
	 * A request with a property path.
	 */
	public static class ChatRequest {

		private final String agent;

		private final String id;

		ChatRequest(String agent, String id) {
			this.agent = agent;
			this.id = id;
		}

		public String getAgent() {
			return this.agent;
		}

		public String getId() {
			return this.id;
		}

	}

	static class Inner {

		@FallomSession(configKey = "inner", sessionId = "#id")
		String answer(String id) {
			return describe();
		}

	}

	static class Assistant {

		private final Inner inner;

		Assistant(Inner inner) {
			this.inner = inner;
		}

		@FallomSession(configKey = "support-assistant", sessionId = "#conversationId")
		String answer(@Nullable String conversationId, String question) {
			return describe();
		}

		@FallomSession(configKey = "support", sessionId = "#id", context = { "plan=#plan", "tier = gold" },
				metadata = { "count=#count", "source=#plan", "timeout=T(java.time.Duration).ofSeconds(#count)" },
				tags = { "beta", "#plan" })
		FallomSessionContext withEntries(String id, @Nullable String plan, int count) {
			return FallomSessionHolder.get();
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		String fail(String id) {
			throw new IllegalStateException("failed in " + describe());
		}

		@FallomSession(configKey = "support", sessionId = "#p0")
		String byIndex(String id) {
			return describe();
		}

		@FallomSession(configKey = "#request.agent", sessionId = "#request.id")
		String byRequest(ChatRequest request) {
			return describe();
		}

		@FallomSession(configKey = "support", sessionId = "#outerId")
		String nested(String outerId, String innerId) {
			String before = describe();
			String inside = this.inner.answer(innerId);
			return before + " > " + inside + " > " + describe();
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		Mono<String> mono(String id) {
			// fromCallable runs at subscribe time, after this method has returned.
			return Mono.fromCallable(FallomSessionTests::describe)
				.flatMap((atSubscribe) -> Mono.deferContextual((context) -> Mono.just(context
					.<FallomSessionContext>getOrEmpty(FallomSessionThreadLocalAccessor.KEY)
					.map((session) -> session.configKey() + "/" + session.sessionId())
					.orElse("none") + " in context, " + atSubscribe + " at subscribe")));
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		Mono<String> monoHop(String id) {
			return Mono.just(1)
				.publishOn(Schedulers.parallel())
				.map((i) -> describe() + " on " + Thread.currentThread().getName().replaceAll("-\\d+$", ""));
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		Flux<String> flux(String id) {
			return Flux.range(1, 3).map((i) -> describe());
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		Flux<String> fluxHop(String id) {
			return Flux.range(1, 3).publishOn(Schedulers.parallel()).map((i) -> describe());
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		CompletableFuture<String> future(String id) {
			return CompletableFuture.completedFuture(describe());
		}

		@FallomSession(configKey = "support", sessionId = "#id")
		CompletableFuture<String> futureAsync(String id) {
			ExecutorService propagating = ContextExecutorService.wrap(executor,
					ContextSnapshotFactory.builder().build()::captureAll);
			return CompletableFuture.supplyAsync(FallomSessionTests::describe, propagating);
		}

	}

	@FallomSession(configKey = "class-level", sessionId = "#id")
	static class AnnotatedClass {

		String plain(String id) {
			return describe();
		}

		@FallomSession(configKey = "method-level", sessionId = "#id")
		String overridden(String id) {
			return describe();
		}

	}

	static class MalformedEntries {

		@FallomSession(configKey = "support", sessionId = "#id", context = "plan")
		String noSeparator(String id) {
			return id;
		}

	}

	static class DuplicateEntries {

		@FallomSession(configKey = "support", sessionId = "#id", metadata = { "a=1", "a=#id" })
		String twice(String id) {
			return id;
		}

	}

}
