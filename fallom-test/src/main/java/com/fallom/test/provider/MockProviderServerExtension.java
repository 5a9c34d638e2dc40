package com.fallom.test.provider;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that runs a {@link MockProviderServer} for a test class.
 * <p>
 * Registered on a static field, one server serves the whole class, its nested classes
 * included; it is reachable through {@link #server()} and injected into parameters of
 * type {@link MockProviderServer}: <pre class="code">
 * &#64;RegisterExtension
 * static MockProviderServerExtension provider = new MockProviderServerExtension();
 *
 * &#64;Test
 * void answers() {
 *     provider.server().enqueue(ProviderReply.text("Hi"));
 *     OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(provider.server().openAiBaseUrl())...
 * }
 * </pre> Before each test the server's recordings and queued replies are
 * {@link MockProviderServer#reset() reset}, so tests that share a server should not run
 * concurrently with each other.
 */
public class MockProviderServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private MockProviderServer server;

	/**
	 * Unique id of the extension context whose end closes the server.
	 */
	private String ownerId;

	/**
	 * Return the server, starting it if it is not running yet.
	 * @return the server
	 */
	public synchronized MockProviderServer server() {
		if (this.server == null) {
			this.server = MockProviderServer.start();
		}
		return this.server;
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		// Nested classes call this again; the outermost class keeps ownership
		if (this.ownerId == null) {
			this.ownerId = context.getUniqueId();
			server();
		}
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (context.getUniqueId().equals(this.ownerId)) {
			if (this.server != null) {
				this.server.close();
				this.server = null;
			}
			this.ownerId = null;
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.ownerId == null) {
			throw new IllegalStateException(
					"Register MockProviderServerExtension on a static field or with @ExtendWith on the class");
		}
		server().reset();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == MockProviderServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

}
