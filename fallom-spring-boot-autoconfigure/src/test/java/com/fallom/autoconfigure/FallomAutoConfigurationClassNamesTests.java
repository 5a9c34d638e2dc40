package com.fallom.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fallom.autoconfigure.tracing.FallomTracingAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.autoconfigure.AutoConfigureBefore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class that Fallom's auto-configurations name by string ({@code afterName},
 * {@code beforeName}, {@code @ConditionalOnClass(name = ...)},
 * {@code @ConditionalOnBean(type = ...)}) loads on the Spring Boot line under test, and every
 * ordering name is an auto-configuration there. Boot ignores a stale name without a word: the
 * ordering is lost, and a {@code @ConditionalOnBean} that relied on it then drops Fallom's beans.
 * The names are read from the auto-configurations in Fallom's imports file, not kept by hand;
 * {@code .ci/run} runs this on every supported Boot line.
 */
class FallomAutoConfigurationClassNamesTests {

	private static final String IMPORTS = "META-INF/spring/" + AutoConfiguration.class.getName() + ".imports";

	private static final ClassLoader CLASS_LOADER = FallomAutoConfigurationClassNamesTests.class.getClassLoader();

	@ParameterizedTest(name = "{0}")
	@MethodSource("classNames")
	void namedClassLoads(NamedClass named) {
		assertThat(ClassUtils.isPresent(named.name(), CLASS_LOADER))
			.as("%s names %s, which is not on this Spring Boot line's classpath", named.where(), named.name())
			.isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("orderingNames")
	void orderingNameIsAnAutoConfiguration(NamedClass named) {
		assertThat(allAutoConfigurations().contains(named.name()))
			.as("%s orders itself against %s, which no AutoConfiguration.imports lists", named.where(), named.name())
			.isTrue();
	}

	@Test
	void readsEveryAutoConfigurationOfTheImportsFileAndTheBootNamesTheyOrderAgainst() throws IOException {
		assertThat(fallomAutoConfigurations()).hasSizeGreaterThanOrEqualTo(9)
			.contains(FallomAutoConfiguration.class, FallomTracingAutoConfiguration.class);
		assertThat(classNames()).extracting(NamedClass::name)
			.contains("org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
					"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
					"com.fallom.web.servlet.FallomSessionFilter");
	}

	@Test
	void reportsEveryNameThatDoesNotLoadWithWhereItIsNamed() {
		List<NamedClass> missing = namedBy(StaleAutoConfiguration.class).stream()
			.filter((named) -> !ClassUtils.isPresent(named.name(), CLASS_LOADER))
			.toList();
		assertThat(missing).extracting(NamedClass::toString)
			.containsExactlyInAnyOrder(
					"StaleAutoConfiguration afterName com.example.boot.RenamedAutoConfiguration",
					"StaleAutoConfiguration beforeName com.example.boot.RemovedAutoConfiguration",
					"StaleAutoConfiguration.Nested @ConditionalOnClass com.example.GoneClient",
					"StaleAutoConfiguration.Nested.client() @ConditionalOnBean com.example.GoneClient");
	}

	static Stream<NamedClass> classNames() throws IOException {
		return fallomAutoConfigurations().stream().flatMap((type) -> namedBy(type).stream());
	}

	static Stream<NamedClass> orderingNames() throws IOException {
		return classNames().filter(NamedClass::ordering);
	}

	/**
	 * The classes listed in Fallom's own imports file: the one beside
	 * {@link FallomAutoConfiguration}, not another jar's.
	 */
	static List<Class<?>> fallomAutoConfigurations() throws IOException {
		URL classes = FallomAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation();
		List<Class<?>> types = new ArrayList<>();
		try (InputStream in = new URL(classes, IMPORTS).openStream();
				BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
			for (String line : reader.lines().toList()) {
				int comment = line.indexOf('#');
				String name = ((comment >= 0) ? line.substring(0, comment) : line).strip();
				if (!name.isEmpty()) {
					types.add(ClassUtils.resolveClassName(name, CLASS_LOADER));
				}
			}
		}
		return types;
	}

	/**
	 * The class names that an auto-configuration, its nested configurations and their
	 * {@code @Bean} methods give as strings.
	 */
	static List<NamedClass> namedBy(Class<?> type) {
		return namedBy(type, type.getSimpleName());
	}

	private static List<NamedClass> namedBy(Class<?> type, String where) {
		List<NamedClass> named = new ArrayList<>();
		MergedAnnotations annotations = MergedAnnotations.from(type);
		// @AutoConfiguration's afterName and beforeName are aliases of these annotations' name
		annotations.stream(AutoConfigureAfter.class)
			.forEach((after) -> add(named, where, "afterName", after.getStringArray("name")));
		annotations.stream(AutoConfigureBefore.class)
			.forEach((before) -> add(named, where, "beforeName", before.getStringArray("name")));
		addConditions(named, where, type);
		for (Method method : type.getDeclaredMethods()) {
			if (MergedAnnotations.from(method).isPresent(Bean.class)) {
				addConditions(named, where + "." + method.getName() + "()", method);
			}
		}
		for (Class<?> nested : type.getDeclaredClasses()) {
			named.addAll(namedBy(nested, where + "." + nested.getSimpleName()));
		}
		return named;
	}

	private static void addConditions(List<NamedClass> named, String where, AnnotatedElement element) {
		MergedAnnotations annotations = MergedAnnotations.from(element);
		annotations.stream(ConditionalOnClass.class)
			.map((condition) -> condition.getStringArray("name"))
			.forEach((names) -> add(named, where, "@ConditionalOnClass", names));
		annotations.stream(ConditionalOnBean.class)
			.map((condition) -> condition.getStringArray("type"))
			.forEach((names) -> add(named, where, "@ConditionalOnBean", names));
	}

	private static void add(List<NamedClass> named, String where, String attribute, String[] names) {
		for (String name : names) {
			named.add(new NamedClass(where, attribute, name));
		}
	}

	private static Set<String> allAutoConfigurations() {
		return ImportCandidates.load(AutoConfiguration.class, CLASS_LOADER)
			.getCandidates()
			.stream()
			.collect(Collectors.toSet());
	}

	/**
	 * A class name given as a string, and where: the class or method, and the attribute.
	 */
	record NamedClass(String where, String attribute, String name) {

		boolean ordering() {
			return this.attribute.endsWith("Name");
		}

		@Override
		public String toString() {
			return this.where + " " + this.attribute + " " + this.name;
		}

	}

	@AutoConfiguration(afterName = "com.example.boot.RenamedAutoConfiguration",
			beforeName = "com.example.boot.RemovedAutoConfiguration")
	static class StaleAutoConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "java.lang.String", "com.example.GoneClient" })
		static class Nested {

			@Bean
			@ConditionalOnBean(type = "com.example.GoneClient")
			String client() {
				return "client";
			}

		}

	}

}
