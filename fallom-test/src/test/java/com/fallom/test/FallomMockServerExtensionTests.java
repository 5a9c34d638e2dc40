package com.fallom.test;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomMockServerTest @FallomMockServerTest}: parameter injection and
 * the reset between tests.
 */
@FallomMockServerTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FallomMockServerExtensionTests {

	private static FallomMockServer beforeAllServer;

	private final FallomMockServer constructorServer;

	FallomMockServerExtensionTests(FallomMockServer server) {
		this.constructorServer = server;
	}

	@BeforeAll
	static void putConfigs(FallomMockServer server) {
		beforeAllServer = server;
		server.putConfig("shared", 1, Map.of("gpt-4o", 100));
	}

	@Test
	@Order(1)
	void injectsOneRunningServerIntoConstructorLifecycleMethodsAndTests(FallomMockServer server) {
		assertThat(server).isSameAs(this.constructorServer).isSameAs(beforeAllServer);
		TestHttp http = new TestHttp(server);
		assertThat(http.get("/configs/shared/version/1").statusCode()).isEqualTo(200);
		server.fault(Endpoint.CONFIGS, Fault.status(500));
		assertThat(http.get("/configs").statusCode()).isEqualTo(500);
		http.postJson("/sessions", "{\"session_id\": \"first-test\"}");
	}

	@Test
	@Order(2)
	void resetsRecordingsAndFaultsButKeepsConfigsBeforeEachTest(FallomMockServer server) {
		assertThat(server.requests()).isEmpty();
		assertThat(server.sessions()).isEmpty();
		assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
		assertThat(new TestHttp(server).get("/configs/shared/version/1").statusCode()).isEqualTo(200);
	}

	@Nested
	class NestedTests {

		@Test
		void sharesTheOuterClassServer(FallomMockServer server) {
			assertThat(server).isSameAs(beforeAllServer);
			assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
		}

	}

}
