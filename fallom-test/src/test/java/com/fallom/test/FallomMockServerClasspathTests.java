package com.fallom.test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpRequest;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that {@link FallomMockServer} works with its required dependencies only, since
 * spring-test and JUnit are optional.
 */
class FallomMockServerClasspathTests {

	@Test
	void servesRequestsWithoutSpringTestOrJUnitOnTheClasspath() throws Throwable {
		URL[] urls = { location(FallomMockServer.class), location(JsonMapper.class), location(JsonParser.class),
				location(JsonProperty.class), location(ExportTraceServiceRequest.class), location(Message.class) };
		try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
			assertThatExceptionOfType(ClassNotFoundException.class)
				.isThrownBy(() -> loader.loadClass("org.springframework.test.context.DynamicPropertyRegistry"));
			assertThatExceptionOfType(ClassNotFoundException.class)
				.isThrownBy(() -> loader.loadClass("org.junit.jupiter.api.extension.Extension"));
			Class<?> serverClass = loader.loadClass(FallomMockServer.class.getName());
			assertThat(serverClass.getClassLoader()).isSameAs(loader);
			// Reflection must work too: Spring introspects the server when it is a bean.
			assertThat(serverClass.getMethods()).isNotEmpty();
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			MethodHandle start = lookup.findStatic(serverClass, "start", MethodType.methodType(serverClass));
			MethodHandle putConfig = lookup.findVirtual(serverClass, "putConfig",
					MethodType.methodType(serverClass, String.class, int.class, Map.class));
			MethodHandle baseUrl = lookup.findVirtual(serverClass, "baseUrl", MethodType.methodType(String.class));
			MethodHandle properties = lookup.findVirtual(serverClass, "properties", MethodType.methodType(Map.class));
			AutoCloseable server = (AutoCloseable) start.invoke();
			try (server) {
				putConfig.invoke(server, "isolated", 1, Map.of("gpt-4o", 100));
				int status = TestHttp.send(HttpRequest
					.newBuilder(URI.create(baseUrl.invoke(server) + "/configs/isolated/version/1"))
					.header("Authorization", "Bearer " + FallomMockServer.DEFAULT_API_KEY)
					.build()).statusCode();
				assertThat(status).isEqualTo(200);
				assertThat(((Map<?, ?>) properties.invoke(server)).get("fallom.base-url")).isEqualTo(baseUrl.invoke(server));
			}
		}
	}

	private static URL location(Class<?> type) {
		return type.getProtectionDomain().getCodeSource().getLocation();
	}

}
