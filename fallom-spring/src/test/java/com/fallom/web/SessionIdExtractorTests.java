package com.fallom.web;

import java.util.HashMap;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fallom.session.FallomSessionContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionIdExtractor}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionIdExtractorTests {

	private final SessionIdExtractor extractor = new SessionIdExtractor("X-Fallom-Session-Id", "fallom_session",
			"fallomSession", "X-Fallom-Config-Key", "support", 16);

	@Test
	void configKeyFromARequestIsTakenOnlyWhenItsHeaderIsConfigured() {
		SessionIdExtractor untrusting = new SessionIdExtractor("X-Fallom-Session-Id", null, null, null, "support", 16);
		assertThat(untrusting
			.extract(new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Config-Key", "other-test")))
			.isEqualTo(new FallomSessionContext("support", "s-1"));
	}

	@Test
	void readsSessionIdFromHeaderWithDefaultConfigKey() {
		assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", "s-1")))
			.isEqualTo(new FallomSessionContext("support", "s-1"));
	}

	@Test
	void readsConfigKeyFromHeader() {
		assertThat(this.extractor
			.extract(new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Config-Key", "summarizer")))
			.isEqualTo(new FallomSessionContext("summarizer", "s-1"));
	}

	@Test
	void fallsBackToCookieThenQueryParameter() {
		assertThat(this.extractor.extract(new Request().cookie("fallom_session", "c-1").query("fallomSession", "q-1")))
			.isEqualTo(new FallomSessionContext("support", "c-1"));
		assertThat(this.extractor.extract(new Request().query("fallomSession", "q-1")))
			.isEqualTo(new FallomSessionContext("support", "q-1"));
	}

	@Test
	void readsCustomerIdFromItsHeaderWhenConfigured() {
		SessionIdExtractor withCustomer = new SessionIdExtractor("X-Fallom-Session-Id", null, null,
				"X-Fallom-Config-Key", "support", "X-Fallom-Customer-Id", 16);
		assertThat(withCustomer
			.extract(new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Customer-Id", "vip-1")))
			.isEqualTo(new FallomSessionContext("support", "s-1", "vip-1"));
		assertThat(this.extractor
			.extract(new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Customer-Id", "vip-1")))
			.as("not configured").isEqualTo(new FallomSessionContext("support", "s-1"));
	}

	@Test
	void badCustomerIdLeavesTheSessionWithoutACustomerAndIsCounted(CapturedOutput output) {
		SessionIdExtractor withCustomer = new SessionIdExtractor("X-Fallom-Session-Id", null, null,
				"X-Fallom-Config-Key", "support", "X-Fallom-Customer-Id", 16);
		assertThat(withCustomer.extract(
				new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Customer-Id", "vip\r\nforged")))
			.isEqualTo(new FallomSessionContext("support", "s-1"));
		assertThat(withCustomer.extract(
				new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Customer-Id", "v".repeat(17))))
			.isEqualTo(new FallomSessionContext("support", "s-1"));
		assertThat(withCustomer.customerId("principal", "bad\u2028name")).isNull();
		assertThat(withCustomer.customerId("principal", "alice")).isEqualTo("alice");
		assertThat(withCustomer.getInvalidCount()).isEqualTo(3);
		assertThat(output).doesNotContain("forged");
	}

	@Test
	void headerWinsOverCookie() {
		assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", "h-1").cookie("fallom_session",
				"c-1")))
			.isEqualTo(new FallomSessionContext("support", "h-1"));
	}

	@Test
	void ignoresCookieAndQueryParameterUnlessConfigured() {
		SessionIdExtractor headerOnly = new SessionIdExtractor("X-Fallom-Session-Id", null, "", "X-Fallom-Config-Key",
				"support", 16);
		assertThat(headerOnly.extract(new Request().cookie("fallom_session", "c-1").query("fallomSession", "q-1")))
			.isNull();
	}

	@Test
	void noSessionWithoutSessionIdOrWithBlankOne() {
		assertThat(this.extractor.extract(new Request())).isNull();
		assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", "  "))).isNull();
		assertThat(this.extractor.getInvalidCount()).isZero();
	}

	@Test
	void noSessionWithoutConfigKeyHeaderOrDefault() {
		SessionIdExtractor noDefault = new SessionIdExtractor("X-Fallom-Session-Id", null, null,
				"X-Fallom-Config-Key", null, 16);
		assertThat(noDefault.extract(new Request().header("X-Fallom-Session-Id", "s-1"))).isNull();
		assertThat(noDefault
			.extract(new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Config-Key", "support")))
			.isEqualTo(new FallomSessionContext("support", "s-1"));
	}

	@Test
	void ignoresAndCountsOversizedSessionIdWithoutLoggingIt(CapturedOutput output) {
		String oversized = "secret-user-4242-xyz";
		withDebugLogging(() -> assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id",
				oversized)))
			.isNull());
		assertThat(this.extractor.getInvalidCount()).isOne();
		assertThat(output).contains("Ignored the Fallom session id of 'X-Fallom-Session-Id' (20 chars)")
			.contains("longer than 16")
			.doesNotContain(oversized);
	}

	@Test
	void acceptsSessionIdOfExactlyMaxLength() {
		assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", "a".repeat(16)))).isNotNull();
	}

	@Test
	void ignoresAndCountsSessionIdsWithControlCharacters(CapturedOutput output) {
		withDebugLogging(() -> {
			for (String bad : new String[] { "a\nINFO forged", "a\tb", "a\u0000", "a\u007f", "a\u2028b", "\u0085" }) {
				assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", bad))).isNull();
			}
		});
		assertThat(this.extractor.getInvalidCount()).isEqualTo(6);
		assertThat(output).contains("holds control characters").doesNotContain("forged");
	}

	@Test
	void ignoresAndCountsInvalidConfigKeyHeaderRatherThanFallingBackToDefault() {
		assertThat(this.extractor.extract(
				new Request().header("X-Fallom-Session-Id", "s-1").header("X-Fallom-Config-Key", "x".repeat(17))))
			.isNull();
		assertThat(this.extractor.getInvalidCount()).isOne();
	}

	@Test
	void acceptsUnicodeSessionIds() {
		assertThat(this.extractor.extract(new Request().header("X-Fallom-Session-Id", "über-会话-1")))
			.isEqualTo(new FallomSessionContext("support", "über-会话-1"));
	}

	private static void withDebugLogging(Runnable runnable) {
		Logger logger = (Logger) LoggerFactory.getLogger(SessionIdExtractor.class);
		Level level = logger.getLevel();
		logger.setLevel(Level.DEBUG);
		try {
			runnable.run();
		}
		finally {
			logger.setLevel(level);
		}
	}

	private static final class Request implements SessionIdExtractor.RequestValues {

		private final Map<String, String> headers = new HashMap<>();

		private final Map<String, String> cookies = new HashMap<>();

		private final Map<String, String> query = new HashMap<>();

		Request header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		Request cookie(String name, String value) {
			this.cookies.put(name, value);
			return this;
		}

		Request query(String name, String value) {
			this.query.put(name, value);
			return this;
		}

		@Override
		public @Nullable String header(String name) {
			return this.headers.get(name);
		}

		@Override
		public @Nullable String cookie(String name) {
			return this.cookies.get(name);
		}

		@Override
		public @Nullable String queryParameter(String name) {
			return this.query.get(name);
		}

	}

}
