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
 * retries, once per attempt, on whichever thread sends it (an async retry runs on a
 * scheduler thread), so a traced call names itself in a request header that this
 * interceptor reads and removes before the request leaves the process. Requests without
 * the header (every other endpoint) pass through as they are.
 */
final class AttemptCounter implements Interceptor {

	/** The request header that carries a traced call's id to the interceptor. */
	static final String HEADER = "X-Fallom-Call";

	static final AttemptCounter INSTANCE = new AttemptCounter();

	private static final Map<String, MessageCall> calls = new ConcurrentHashMap<>();

	private AttemptCounter() {
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
