package com.fallom.test.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * Creates and starts the JDK HTTP servers of the mock servers, on loopback only. Internal
 * API.
 */
public final class LoopbackHttpServers {

	private LoopbackHttpServers() {
	}

	/**
	 * Create a server bound to {@code 127.0.0.1}.
	 * @param port the port, {@code 0} for a random free one
	 * @return the server, not started
	 * @throws IOException when the port cannot be bound
	 */
	public static HttpServer create(int port) throws IOException {
		InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] { 127, 0, 0, 1 });
		return HttpServer.create(new InetSocketAddress(loopback, port), 0);
	}

	/**
	 * Start a server's dispatcher from a daemon thread, whose daemon flag the dispatcher
	 * inherits: a server a test forgets to close cannot keep the JVM alive.
	 * @param server the server
	 * @param threadName the name of the starting thread
	 * @throws InterruptedException when interrupted while starting
	 */
	public static void start(HttpServer server, String threadName) throws InterruptedException {
		Thread starter = new Thread(server::start, threadName);
		starter.setDaemon(true);
		starter.start();
		starter.join();
	}

}
