package com.fallom.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fallom.autoconfigure.FallomProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration the docs show ({@code src/test/resources/docs/configuration-examples.*},
 * quoted by region) is real: every property exists in the configuration metadata, and the
 * {@code fallom.*} ones bind to {@link FallomProperties} as Spring Boot binds them, none left
 * over.
 */
class DocumentedConfigurationTests {

	private static final Path EXAMPLES = Path.of("src", "test", "resources", "docs");

	private static final Pattern TAG = Pattern.compile("^# tag::(\\S+)\\[\\]$");

	@Test
	void everyPropertyShownExistsAndBinds() throws IOException {
		Set<String> names = new HashSet<>();
		Set<String> maps = new HashSet<>();
		for (URL url : Collections.list(
				getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : JsonMapper.shared().readTree(in).path("properties")) {
					names.add(property.path("name").asString());
					if (property.path("type").asString("").startsWith("java.util.Map")) {
						maps.add(property.path("name").asString() + ".");
					}
				}
			}
		}
		int regions = 0;
		for (String file : List.of("configuration-examples.yml", "configuration-examples.properties")) {
			PropertySourceLoader loader = file.endsWith(".yml") ? new YamlPropertySourceLoader()
					: new PropertiesPropertySourceLoader();
			for (Region region : regions(EXAMPLES.resolve(file))) {
				regions++;
				List<PropertySource<?>> sources = loader.load(region.name(),
						new ByteArrayResource(region.text().getBytes(StandardCharsets.UTF_8)));
				assertThat(sources).as(region.name()).isNotEmpty();
				for (PropertySource<?> source : sources) {
					for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
						assertThat(names.contains(name) || maps.stream().anyMatch(name::startsWith))
							.as("%s: %s is a property of the configuration metadata", region.name(), name)
							.isTrue();
					}
					new Binder(ConfigurationPropertySources.from(source)).bind("fallom",
							Bindable.of(FallomProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
				}
			}
		}
		assertThat(regions).isGreaterThanOrEqualTo(6);
	}

	record Region(String name, String text) {
	}

	private static List<Region> regions(Path file) throws IOException {
		List<Region> regions = new ArrayList<>();
		String name = null;
		StringBuilder text = new StringBuilder();
		for (String line : Files.readAllLines(file)) {
			Matcher tag = TAG.matcher(line);
			if (tag.matches()) {
				name = file.getFileName() + "#" + tag.group(1);
				text.setLength(0);
			}
			else if (name != null && line.startsWith("# end::")) {
				regions.add(new Region(name, text.toString()));
				name = null;
			}
			else if (name != null) {
				text.append(line).append('\n');
			}
		}
		return regions;
	}

}
