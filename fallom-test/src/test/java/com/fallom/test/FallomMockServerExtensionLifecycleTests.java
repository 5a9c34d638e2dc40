package com.fallom.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Tests for when {@link FallomMockServerExtension} starts and closes servers, running
 * scenario classes through the Jupiter engine.
 */
class FallomMockServerExtensionLifecycleTests {

	static final List<FallomMockServer> seen = new CopyOnWriteArrayList<>();

	@BeforeEach
	void clearSeen() {
		seen.clear();
	}

	@Test
	void extendWithStartsOneServerForClassAndNestedClassesAndClosesItAfterwards() {
		run(ExtendWithScenario.class, 3);
		assertThat(seen).hasSize(3);
		assertThat(seen).containsOnly(seen.get(0));
		assertThat(isListening(seen.get(0))).isFalse();
	}

	@Test
	void staticFieldStartsOneServerForClassAndClosesItAfterwards() {
		run(StaticFieldScenario.class, 2);
		assertThat(seen).containsOnly(seen.get(0));
		assertThat(isListening(seen.get(0))).isFalse();
	}

	@Test
	void instanceFieldStartsOneServerPerTestInstanceAndClosesIt() {
		run(InstanceFieldScenario.class, 2);
		assertThat(seen).hasSize(2).doesNotHaveDuplicates();
		assertThat(seen).noneMatch(FallomMockServerExtensionLifecycleTests::isListening);
	}

	@Test
	void instanceFieldWithPerClassLifecycleSharesOneServerAndClosesIt() {
		run(PerClassInstanceFieldScenario.class, 2);
		assertThat(seen).hasSize(2).containsOnly(seen.get(0));
		assertThat(isListening(seen.get(0))).isFalse();
	}

	private static void run(Class<?> scenario, int tests) {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(scenario))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(tests).succeeded(tests));
	}

	private static boolean isListening(FallomMockServer server) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@ExtendWith(FallomMockServerExtension.class)
	static class ExtendWithScenario {

		@Test
		void first(FallomMockServer server) {
			seen.add(server);
			assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
		}

		@Test
		void second(FallomMockServer server) {
			seen.add(server);
		}

		@Nested
		class Inner {

			@Test
			void nested(FallomMockServer server) {
				seen.add(server);
				assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
			}

		}

	}

	static class StaticFieldScenario {

		@RegisterExtension
		static FallomMockServerExtension fallom = new FallomMockServerExtension();

		@Test
		void first() {
			seen.add(fallom.server());
		}

		@Test
		void second(FallomMockServer server) {
			seen.add(server);
			assertThat(server).isSameAs(fallom.server());
		}

	}

	static class InstanceFieldScenario {

		@RegisterExtension
		FallomMockServerExtension fallom = new FallomMockServerExtension();

		@Test
		void first(FallomMockServer server) {
			seen.add(server);
			assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
		}

		@Test
		void second() {
			seen.add(this.fallom.server());
		}

	}

	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	static class PerClassInstanceFieldScenario {

		@RegisterExtension
		FallomMockServerExtension fallom = new FallomMockServerExtension();

		@Test
		void first(FallomMockServer server) {
			seen.add(server);
			server.fault(Endpoint.CONFIGS, Fault.status(500));
		}

		@Test
		void second(FallomMockServer server) {
			seen.add(server);
			assertThat(new TestHttp(server).get("/configs").statusCode()).isEqualTo(200);
		}

	}

}
