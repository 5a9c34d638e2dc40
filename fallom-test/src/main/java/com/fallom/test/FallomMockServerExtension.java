package com.fallom.test;

import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * JUnit Jupiter extension that runs a {@link FallomMockServer} for a test class.
 * <p>
 * Declared with {@code @ExtendWith(FallomMockServerExtension.class)} (or
 * {@link FallomMockServerTest @FallomMockServerTest}), one server serves the whole class,
 * its nested classes included, and is injected into parameters of type
 * {@link FallomMockServer}. Registered on a static field, the server is also reachable
 * through {@link #server()}, e.g. from a {@code @DynamicPropertySource} method: <pre class="code">
 * &#64;RegisterExtension
 * static FallomMockServerExtension fallom = new FallomMockServerExtension();
 *
 * &#64;DynamicPropertySource
 * static void fallomProperties(DynamicPropertyRegistry registry) {
 *     fallom.server().registerProperties(registry);
 * }
 * </pre> Before each test the server's recordings and faults are reset; configs stay, so
 * they can be set up once in a {@code @BeforeAll} method. On an instance field the
 * server lives as long as the test instance. Because of that reset, tests that share a
 * server should not run concurrently with each other.
 */
public class FallomMockServerExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(FallomMockServerExtension.class);

	private final int port;

	private final String apiKey;

	private FallomMockServer server;

	/**
	 * Unique id of the extension context whose end closes the server.
	 */
	private String ownerId;

	/**
	 * Create an extension whose server listens on a random free port and accepts
	 * {@link FallomMockServer#DEFAULT_API_KEY}.
	 */
	public FallomMockServerExtension() {
		this(0, FallomMockServer.DEFAULT_API_KEY);
	}

	/**
	 * Create an extension with a custom port and API key.
	 * @param port the port, {@code 0} for a random free port
	 * @param apiKey the API key the server accepts
	 */
	public FallomMockServerExtension(int port, String apiKey) {
		this.port = port;
		this.apiKey = apiKey;
	}

	/**
	 * Return the server, starting it if it is not running yet.
	 * @return the server
	 */
	public synchronized FallomMockServer server() {
		if (this.server == null) {
			this.server = FallomMockServer.start(this.port, this.apiKey);
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
			closeServer();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		FallomMockServer server;
		synchronized (this) {
			if (this.ownerId == null) {
				// Registered on an instance field: no class callbacks, so close the server
				// when the test instance goes away
				ExtensionContext owner = (context.getTestInstanceLifecycle().orElse(Lifecycle.PER_METHOD)
						== Lifecycle.PER_CLASS) ? context.getParent().orElse(context) : context;
				this.ownerId = owner.getUniqueId();
				owner.getStore(NAMESPACE).put(this, (AutoCloseable) this::closeServer);
			}
			server = server();
		}
		server.reset();
		server.clearFaults();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == FallomMockServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return server();
	}

	private synchronized void closeServer() {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
		this.ownerId = null;
	}

	/**
	 * Point a Spring test context at this extension's server by setting
	 * {@code fallom.base-url} and {@code fallom.api-key}. Use from a
	 * {@code @DynamicPropertySource} method. It lives here, not on
	 * {@link FallomMockServer}, so that the server never needs spring-test: an app may
	 * run it as a bean, which Spring introspects.
	 * @param registry the registry of the test context
	 */
	public void registerProperties(DynamicPropertyRegistry registry) {
		server().properties().forEach((name, value) -> registry.add(name, () -> value));
	}

}
