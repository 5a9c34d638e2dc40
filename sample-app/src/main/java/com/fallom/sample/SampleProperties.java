package com.fallom.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the sample app.
 */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * Config key that /chat asks Fallom for.
	 */
	private String configKey = "support-assistant";

	/**
	 * Model used when Fallom has no config for the key.
	 */
	private String fallbackModel = "gpt-4o-mini";

	/**
	 * Prompt A/B test that /chat takes its system prompt from.
	 */
	private String promptAbTest = "support-system-prompt";

	/**
	 * Company name that the support prompts are rendered with.
	 */
	private String company = "Acme";

	private final MockBackend mockBackend = new MockBackend();

	private final Demo demo = new Demo();

	private final Batch batch = new Batch();

	public String getConfigKey() {
		return this.configKey;
	}

	public void setConfigKey(String configKey) {
		this.configKey = configKey;
	}

	public String getFallbackModel() {
		return this.fallbackModel;
	}

	public void setFallbackModel(String fallbackModel) {
		this.fallbackModel = fallbackModel;
	}

	public String getPromptAbTest() {
		return this.promptAbTest;
	}

	public void setPromptAbTest(String promptAbTest) {
		this.promptAbTest = promptAbTest;
	}

	public String getCompany() {
		return this.company;
	}

	public void setCompany(String company) {
		this.company = company;
	}

	public MockBackend getMockBackend() {
		return this.mockBackend;
	}

	public Demo getDemo() {
		return this.demo;
	}

	public Batch getBatch() {
		return this.batch;
	}

	/**
	 * The in-process mock Fallom backend, started when no {@code fallom.api-key} is set.
	 */
	public static class MockBackend {

		/**
		 * Whether to start the mock backend when no API key is set.
		 */
		private boolean enabled = true;

		/**
		 * Port of the mock backend, 0 for a random free port.
		 */
		private int port = 8001;

		/**
		 * Customer id that the mock backend's configs pin to their second variant through
		 * targeting; empty for none.
		 */
		private String vipCustomer = "vip-1";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public String getVipCustomer() {
			return this.vipCustomer;
		}

		public void setVipCustomer(String vipCustomer) {
			this.vipCustomer = vipCustomer;
		}

	}

	/**
	 * Demo mode: drive sessions through /chat at start-up and log what Fallom saw.
	 */
	public static class Demo {

		/**
		 * Number of sessions to drive through /chat at start-up, 0 for no demo.
		 */
		private int sessions;

		/**
		 * Number of /chat calls per session.
		 */
		private int callsPerSession = 2;

		/**
		 * Whether to stop the application once the demo table is logged.
		 */
		private boolean exit = true;

		public int getSessions() {
			return this.sessions;
		}

		public void setSessions(int sessions) {
			this.sessions = sessions;
		}

		public int getCallsPerSession() {
			return this.callsPerSession;
		}

		public void setCallsPerSession(int callsPerSession) {
			this.callsPerSession = callsPerSession;
		}

		public boolean isExit() {
			return this.exit;
		}

		public void setExit(boolean exit) {
			this.exit = exit;
		}

	}

	/**
	 * The batch job: score many past sessions and record the scores as custom metrics.
	 */
	public static class Batch {

		/**
		 * Whether to run the batch job at start-up.
		 */
		private boolean enabled;

		/**
		 * Number of sessions the batch job scores.
		 */
		private int sessions = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getSessions() {
			return this.sessions;
		}

		public void setSessions(int sessions) {
			this.sessions = sessions;
		}

	}

}
