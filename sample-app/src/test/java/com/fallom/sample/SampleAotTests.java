package com.fallom.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

import com.fallom.Fallom;
import com.fallom.models.FallomModels;
import com.fallom.test.Endpoint;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application AOT-processed (as {@code spring-boot:process-aot} does in its
 * build) with one API key situation and started with the other: online or offline follows
 * the key the app starts with, not the one it was processed with.
 */
@FallomMockServerTest
@CompileWithForkedClassLoader
class SampleAotTests {

	private static final String[] BOOTSTRAP = { "fallom.models.configs.support-assistant.variants[0].model=local-model",
			"fallom.models.configs.support-assistant.variants[0].weight=100", "sample.mock-backend.enabled=false" };

	@BeforeEach
	void reset(FallomMockServer server) {
		server.reset();
	}

	@Test
	void processedWithoutAKeyGoesOnlineWhenStartedWithOne(FallomMockServer server) {
		server.putConfig("support-assistant", 7, Map.of("from-backend", 100));
		processAndRun(BOOTSTRAP, server.propertyValues(), (context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			assertThat(fallom.isOnline()).isTrue();
			assertThat(context.getBean(FallomModels.class).get("support-assistant", "s1")).isEqualTo("from-backend");
		});
		assertThat(server.requests(Endpoint.CONFIGS)).isNotEmpty();
	}

	@Test
	void processedWithAKeyStartsOfflineWithoutOne(FallomMockServer server) {
		processAndRun(concat(BOOTSTRAP, server.propertyValues()), new String[0], (context) -> {
			Fallom fallom = context.getBean(Fallom.class);
			assertThat(fallom.isOnline()).isFalse();
			assertThat(fallom.queues()).isEmpty();
			assertThat(context.getBean(FallomModels.class).get("support-assistant", "s1")).isEqualTo("local-model");
		});
		assertThat(server.requests()).isEmpty();
	}

	private static String[] concat(String[] first, String[] second) {
		String[] all = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

	private static void addApplicationYml(GenericApplicationContext context) {
		try {
			new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
				.forEach(context.getEnvironment().getPropertySources()::addLast);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static void processAndRun(String[] processTimeProperties, String[] runTimeProperties,
			Consumer<GenericApplicationContext> assertions) {
		GenericApplicationContext processing = new GenericApplicationContext();
		TestPropertyValues.of(processTimeProperties).applyTo(processing);
		addApplicationYml(processing);
		AnnotationConfigUtils.registerAnnotationConfigProcessors(processing);
		processing.registerBean(SampleApplication.class);
		TestGenerationContext generationContext = new TestGenerationContext(SampleApplication.class);
		ClassName initializerName = new ApplicationContextAotGenerator().processAheadOfTime(processing,
				generationContext);
		generationContext.writeGeneratedContent();
		TestCompiler.forSystem().with(generationContext).compile((compiled) -> {
			GenericApplicationContext running = new GenericApplicationContext();
			TestPropertyValues.of(BOOTSTRAP).and(runTimeProperties).applyTo(running);
			addApplicationYml(running);
			compiled.getInstance(ApplicationContextInitializer.class, initializerName.reflectionName())
				.initialize(running);
			running.refresh();
			try {
				assertions.accept(running);
			}
			finally {
				running.close();
			}
		});
	}

}
