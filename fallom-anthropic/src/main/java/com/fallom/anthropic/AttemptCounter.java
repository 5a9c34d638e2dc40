package com.fallom.anthropic;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.Interceptor;
import org.jspecify.annotations.Nullable;

/**
 * Counts the HTTP attempts of each traced call. The SDK's interceptors run below its
 * retries, once per attempt. A sync call's attempts run on the calling thread, which
 * names the call for as long as it waits; an async retry runs on one of the SDK's
 * threads, so an async call names itself in a request header that this interceptor reads
 * and removes before the request leaves the process. Other requests (every other
 * endpoint) pass through as they are.
 */
final class AttemptCounter implements Interceptor {

	/** The request header that carries a traced call's id to the interceptor. */
	static final String HEADER = "X-Fallom-Call";

	static final AttemptCounter INSTANCE = new AttemptCounter();

	private static final Map<String, MessageCall> calls = new ConcurrentHashMap<>();

	private static final ThreadLocal<@Nullable MessageCall> current = new ThreadLocal<>();

	private AttemptCounter() {
	}

	/**
	 * Count the attempts made on this thread for a sync call, until the scope closes.
	 */
	static Scope countOnThisThread(MessageCall call) {
		MessageCall previous = current.get();
		current.set(call);
		return () -> {
			if (previous != null) {
				current.set(previous);
			}
			else {
				current.remove();
			}
		};
	}

	static void register(String id, MessageCall call) {
		calls.put(id, call);
	}

	static void unregister(String id) {
		calls.remove(id);
	}

	/**
	 * Return how many calls are being counted, for tests: a call must not stay registered
	 * once it ended.
	 */
	static int registered() {
		return calls.size();
	}

	/**
	 * The time a thread counts a sync call's attempts.
	 */
	interface Scope extends AutoCloseable {

		@Override
		void close();

	}

	@Override
	public HttpClient intercept(HttpClient next) {
		return new HttpClient() {

			@Override
			public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
				return next.execute(counted(request), requestOptions);
			}

			@Override
			public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
				return next.executeAsync(counted(request), requestOptions);
			}

			@Override
			public void close() {
				next.close();
			}

		};
	}

	private static HttpRequest counted(HttpRequest request) {
		MessageCall sync = current.get();
		if (sync != null) {
			sync.attempted();
			return request;
		}
		List<String> ids = request.headers().values(HEADER);
		if (ids.isEmpty()) {
			return request;
		}
		@Nullable MessageCall call = calls.get(ids.get(0));
		if (call != null) {
			call.attempted();
		}
		return request.toBuilder().removeHeaders(HEADER).build();
	}

}
