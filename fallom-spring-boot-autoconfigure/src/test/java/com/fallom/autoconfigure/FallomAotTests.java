package com.fallom.autoconfigure;

import com.fallom.actuate.FallomEndpoint;
import com.fallom.models.ModelVariant;
import com.fallom.test.FallomMockServer;
import com.fallom.test.FallomMockServerTest;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT processing of an application with every Fallom auto-configuration, as
 * {@code spring-boot:process-aot} runs it: it must succeed, generate the bean
 * definitions, and register hints for what is bound or serialized reflectively.
 */
@FallomMockServerTest
class FallomAotTests {

	@Test
	void aotProcessingSucceedsAndRegistersHintsForPropertiesAndTheEndpoint(FallomMockServer server) {
		GenericApplicationContext context = new GenericApplicationContext();
		TestPropertyValues.of(server.propertyValues())
			.and("management.endpoints.web.exposure.include=fallom",
					"fallom.models.configs.support.variants[0].model=gpt-4o",
					"fallom.models.configs.support.variants[0].weight=100")
			.applyTo(context);
		AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
		context.registerBean(AotApplication.class);
		InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(AotApplication.class)), files);
		new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		generationContext.writeGeneratedContent();

		assertThat(files.getGeneratedFiles(Kind.SOURCE)).isNotEmpty()
			.anySatisfy((name, source) -> assertThat(source.toString()).contains("fallomModels"));
		RuntimeHints hints = generationContext.getRuntimeHints();
		for (Class<?> bound : new Class<?>[] { FallomProperties.class, FallomProperties.Models.class,
				FallomProperties.Config.class, FallomProperties.Variant.class, FallomProperties.Targeting.class,
				FallomProperties.IndividualTarget.class, FallomProperties.Rule.class,
				FallomProperties.Condition.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).as(bound.getName()).accepts(hints);
		}
		for (Class<?> serialized : new Class<?>[] { FallomEndpoint.FallomDescriptor.class,
				FallomEndpoint.SyncDescriptor.class, FallomEndpoint.ConfigDescriptor.class,
				FallomEndpoint.QueueDescriptor.class, FallomEndpoint.SpoolDescriptor.class,
				FallomEndpoint.TargetingDescriptor.class,
				FallomEndpoint.RuleDescriptor.class, FallomEndpoint.ConditionDescriptor.class,
				FallomEndpoint.RefreshDescriptor.class, FallomEndpoint.RefreshResultDescriptor.class,
				ModelVariant.class }) {
			assertThat(RuntimeHintsPredicates.reflection().onType(serialized)).as(serialized.getName()).accepts(hints);
		}
		// AOT refreshes without starting the context: nothing reached the backend.
		assertThat(server.requests()).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class AotApplication {

	}

}
