package com.fallom.test.provider;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MockProviderServerExtension}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MockProviderServerExtensionTests {

	@RegisterExtension
	static MockProviderServerExtension provider = new MockProviderServerExtension();

	@Test
	@Order(1)
	void injectsTheRunningServer(MockProviderServer server) {
		assertThat(server).isSameAs(provider.server());
		server.enqueue(ProviderReply.text("left over"));
		ProviderHttp.send(ProviderHttp.openAi(server, "{\"model\":\"m\",\"messages\":[]}"));
		server.defaultReply(ProviderReply.text("custom"));
		assertThat(server.requests()).hasSize(1);
	}

	@Test
	@Order(2)
	void resetsRecordingsAndScriptBeforeEachTest(MockProviderServer server) {
		assertThat(server.requests()).isEmpty();
		assertThat(server.pendingReplies()).isZero();
	}

	@Nested
	class NestedTests {

		@Test
		void sharesTheOuterServer(MockProviderServer server) {
			assertThat(server).isSameAs(provider.server());
		}

	}

}
