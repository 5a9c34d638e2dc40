package com.fallom.autoconfigure;

import com.fallom.Fallom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fallom.actuate.FallomEndpoint;
import com.fallom.actuate.FallomHealthIndicator;
import com.fallom.annotation.FallomSessionPostProcessor;
import com.fallom.internal.QueueStatistics;
import com.fallom.metrics.FallomAssignmentMetrics;
import com.fallom.metrics.FallomConfigSyncMetrics;
import com.fallom.metrics.FallomQueueMetrics;
import com.fallom.models.ConfigRefresher;
import com.fallom.models.FallomModels;
import com.fallom.models.SessionRecorder;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import com.fallom.web.FallomWebMetrics;
import com.fallom.web.reactive.FallomSessionWebFilter;
import com.fallom.web.servlet.FallomSessionFilter;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every Fallom auto-configuration (as listed in the imports file) with each optional
 * dependency taken away in turn: the part that needs it backs off, the rest works.
 */
@FallomMockServerTest
class FallomClasspathMatrixTests {

	private static final String[] PROPERTIES = { "management.endpoints.web.exposure.include=fallom",
			"fallom.models.configs.support.variants[0].model=gpt-4o",
			"fallom.models.configs.support.variants[0].weight=100" };

	private static final Class<?>[] ACTUATOR_BEANS = { FallomHealthIndicator.class, FallomEndpoint.class };

	private static final Class<?>[] METRICS_BEANS = { FallomAssignmentMetrics.class, FallomConfigSyncMetrics.class,
			FallomQueueMetrics.class };

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
	}

	@Test
	void everythingPresentRegistersEveryPart(FallomMockServer server) {
		run(new ApplicationContextRunner(), new String[0], server, (context) -> {
			assertHasBeans(context, ACTUATOR_BEANS);
			assertHasBeans(context, METRICS_BEANS);
			assertHasBeans(context, FallomSessionPostProcessor.class);
			assertThat(context.getBean(Fallom.class).configRefresher()).isNotNull();
			assertThat(queueNames(context)).containsExactlyInAnyOrder("sessions", "metrics", "spans");
			assertThat(context.getBean(FallomHealthIndicator.class).health().getDetails()).extractingByKey("queues")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys("sessions", "metrics", "spans");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("fallom.queue.dropped").functionCounters()).hasSize(3);
			// Not a web application: no filter, and so no web metrics.
			assertHasNoBeans(context, FallomSessionFilter.class, FallomSessionWebFilter.class, FallomWebMetrics.class);
		});
	}

	@Test
	void noSpringAi(FallomMockServer server) {
		run(new ApplicationContextRunner(), new String[] { "org.springframework.ai" }, server, (context) -> {
			// The engine's export pipeline stays (LangChain4j or manual spans use it); only
			// the Spring AI handlers go.
			assertThat(queueNames(context)).containsExactlyInAnyOrder("sessions", "metrics", "spans");
			assertThat(context.containsBean("fallomChatObservationHandler")).isFalse();
			assertThat(context.containsBean("fallomSessionObservationHandler")).isFalse();
			assertHasBeans(context, ACTUATOR_BEANS);
			assertHasBeans(context, METRICS_BEANS);
		});
	}

	@Test
	void noWeb(FallomMockServer server) {
		run(new ApplicationContextRunner(),
				new String[] { "org.springframework.web", "jakarta.servlet", "reactor.netty" }, server,
				(context) -> {
					assertHasBeans(context, ACTUATOR_BEANS);
					assertHasBeans(context, METRICS_BEANS);
				});
	}

	@Test
	void servletOnly(FallomMockServer server) {
		run(new WebApplicationContextRunner(), new String[] { "org.springframework.web.reactive" }, server,
				(context) -> {
					assertHasBeans(context, ACTUATOR_BEANS);
					assertHasBeans(context, FallomSessionFilter.class, FallomWebMetrics.class);
					assertHasNoBeans(context, FallomSessionWebFilter.class);
				});
	}

	@Test
	void webFluxOnly(FallomMockServer server) {
		run(new ReactiveWebApplicationContextRunner(),
				new String[] { "org.springframework.web.servlet", "jakarta.servlet" }, server, (context) -> {
					assertHasBeans(context, ACTUATOR_BEANS);
					assertHasBeans(context, FallomSessionWebFilter.class, FallomWebMetrics.class);
					assertHasNoBeans(context, FallomSessionFilter.class);
				});
	}

	@Test
	void noActuator(FallomMockServer server) {
		run(new ApplicationContextRunner(),
				new String[] { "org.springframework.boot.actuate", "org.springframework.boot.health" }, server,
				(context) -> {
					assertHasNoBeans(context, ACTUATOR_BEANS);
					assertHasBeans(context, METRICS_BEANS);
				});
	}

	@Test
	void noMicrometerMetrics(FallomMockServer server) {
		run(new ApplicationContextRunner(), new String[] { "io.micrometer.core", "org.springframework.boot.micrometer.metrics" }, server, (context) -> {
			assertHasNoBeans(context, METRICS_BEANS);
			assertHasBeans(context, ACTUATOR_BEANS);
		});
	}

	@Test
	void noMicrometerTracing(FallomMockServer server) {
		// The OpenTelemetry SDK itself is a dependency of fallom-core: Fallom's private
		// pipeline exports whether or not the app traces.
		run(new ApplicationContextRunner(),
				new String[] { "io.micrometer.tracing", "org.springframework.boot.micrometer.tracing" }, server,
				(context) -> {
					assertThat(queueNames(context)).containsExactlyInAnyOrder("sessions", "metrics", "spans");
					assertHasBeans(context, ACTUATOR_BEANS);
					assertHasBeans(context, METRICS_BEANS);
				});
	}

	@Test
	void noAspectJ(FallomMockServer server) {
		run(new ApplicationContextRunner(), new String[] { "org.aspectj" }, server, (context) -> {
			// A plain Spring AOP advisor: no weaver needed.
			assertHasBeans(context, FallomSessionPostProcessor.class);
			assertHasBeans(context, ACTUATOR_BEANS);
			assertHasBeans(context, METRICS_BEANS);
		});
	}

	@Test
	void noOptionalDependencyAtAll(FallomMockServer server) {
		run(new ApplicationContextRunner(),
				new String[] { "org.springframework.ai", "org.springframework.web", "jakarta.servlet",
						"org.springframework.boot.actuate", "org.springframework.boot.health", "io.micrometer", "org.springframework.boot.micrometer",
						"io.opentelemetry", "org.aspectj", "reactor" },
				server, (context) -> {
					assertHasNoBeans(context, ACTUATOR_BEANS);
					assertHasNoBeans(context, METRICS_BEANS);
					assertHasNoBeans(context, FallomWebMetrics.class);
					assertHasBeans(context, FallomSessionPostProcessor.class);
				});
	}

	@Test
	void offlineWithoutOptionalDependenciesMakesNoNetworkCall(FallomMockServer server) {
		String[] hidden = { "org.springframework.ai", "org.springframework.web", "org.springframework.boot.actuate",
				"org.springframework.boot.health", "io.micrometer", "org.springframework.boot.micrometer" };
		new ApplicationContextRunner().withConfiguration(allAutoConfigurations(hidden))
			.withClassLoader(new FilteredClassLoader(hidden))
			.withPropertyValues(PROPERTIES)
			.withPropertyValues("fallom.base-url=" + server.baseUrl())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Fallom.class).isOnline()).isFalse();
				assertThat(context.getBean(FallomModels.class).get("support", "s1")).isEqualTo("gpt-4o");
			});
		assertThat(server.requests()).isEmpty();
	}

	private <R extends AbstractApplicationContextRunner<R, ?, ?>> void run(R runner, String[] hidden,
			FallomMockServer server, ContextCheck check) {
		server.putConfig("support", 4, Map.of("o3-mini", 100));
		runner.withConfiguration(allAutoConfigurations(hidden))
			.withClassLoader(new FilteredClassLoader(hidden))
			.withPropertyValues(PROPERTIES)
			.withPropertyValues(server.propertyValues())
			.run((context) -> {
			assertThat(context.getStartupFailure()).isNull();
			FallomModels models = context.getBean(FallomModels.class);
			// Bootstrap configs serve until the first sync, which does not hold up start-up
			await().untilAsserted(() -> assertThat(models.get("support", "s1")).isEqualTo("o3-mini"));
			check.accept(context);
		});
	}

	/**
	 * Fallom's auto-configurations from the imports file, and the Boot ones they order
	 * themselves after, less those in hidden packages: in a real application a missing
	 * jar takes its auto-configurations with it.
	 */
	static AutoConfigurations allAutoConfigurations(String... hidden) {
		List<Class<?>> classes = new ArrayList<>();
		for (String name : fallomAutoConfigurationNames()) {
			try {
				classes.add(Class.forName(name));
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		}
		for (Class<?> boot : List.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				EndpointAutoConfiguration.class)) {
			if (Arrays.stream(hidden).noneMatch((prefix) -> boot.getName().startsWith(prefix))) {
				classes.add(boot);
			}
		}
		return AutoConfigurations.of(classes.toArray(Class<?>[]::new));
	}

	static Set<String> fallomAutoConfigurationNames() {
		Set<String> names = new LinkedHashSet<>();
		ImportCandidates.load(AutoConfiguration.class, FallomClasspathMatrixTests.class.getClassLoader())
			.forEach((name) -> {
				if (name.startsWith("com.fallom.")) {
					names.add(name);
				}
			});
		assertThat(names).isNotEmpty();
		return names;
	}

	private static List<String> queueNames(ApplicationContext context) {
		return context.getBean(Fallom.class).queues().stream().map(QueueStatistics::getQueueName).toList();
	}

	private static void assertHasBeans(ApplicationContext context, Class<?>... types) {
		for (Class<?> type : types) {
			assertThat(context.getBeanNamesForType(type)).as(type.getSimpleName()).hasSize(1);
		}
	}

	private static void assertHasNoBeans(ApplicationContext context, Class<?>... types) {
		Set<String> present = new TreeSet<>();
		for (Class<?> type : types) {
			if (context.getBeanNamesForType(type).length > 0) {
				present.add(type.getSimpleName());
			}
		}
		assertThat(present).as("beans that should have backed off").isEmpty();
	}

	@FunctionalInterface
	interface ContextCheck {

		void accept(ApplicationContext context) throws Exception;

	}

}
