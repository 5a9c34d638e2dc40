package com.fallom.openai;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.services.async.ChatServiceAsync;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.ResponseService;
import com.openai.services.blocking.chat.ChatCompletionService;
import org.jspecify.annotations.Nullable;

/**
 * The proxy behind a wrapped client: forwards every call to the SDK's own object, wraps
 * the services that lead to Chat Completions and Responses (so that
 * {@code client.chat().completions()} and {@code client.withOptions(...)} stay traced),
 * and traces their {@code create} and {@code createStreaming}. A proxy rather than a
 * class implementing the SDK's interfaces: the methods a newer SDK adds pass through
 * without a release of this module.
 */
final class TracingHandler implements InvocationHandler {

	/** The SDK interfaces whose objects are wrapped when a forwarded call returns one. */
	private static final Set<Class<?>> WRAPPED = Set.of(OpenAIClient.class, OpenAIClientAsync.class, ChatService.class,
			ChatServiceAsync.class, ChatCompletionService.class, ChatCompletionServiceAsync.class, ResponseService.class,
			ResponseServiceAsync.class);

	private final Object target;

	private final FallomOpenAI owner;

	/** The blocking service with the thread-attributed sleeper, made on first use. */
	private volatile @Nullable Object threadCounting;

	/** The proxies of the services this one returned, so that a chain of calls makes none. */
	private final Map<Method, Child> children = new ConcurrentHashMap<>();

	private TracingHandler(Object target, FallomOpenAI owner) {
		this.target = target;
		this.owner = owner;
	}

	static <T> T proxy(Class<T> type, T target, FallomOpenAI owner) {
		if (isProxy(target)) {
			return target;
		}
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new TracingHandler(target, owner));
		return type.cast(proxy);
	}

	static boolean isProxy(Object object) {
		return Proxy.isProxyClass(object.getClass()) && Proxy.getInvocationHandler(object) instanceof TracingHandler;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "Fallom-traced " + this.target;
			};
		}
		String name = method.getName();
		if (name.equals("create") || name.equals("createStreaming")) {
			if (method.isDefault()) {
				// Overloads (no options, structured outputs) end in the abstract method with
				// the plain params: run them on the proxy so that one is traced
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			Object params = (args != null && args.length > 0) ? args[0] : null;
			if (params instanceof ChatCompletionCreateParams chat) {
				return traced(method, args, OpenAICalls.chatRequest(chat, this.owner.isCaptureContent()));
			}
			if (params instanceof ResponseCreateParams responses) {
				return traced(method, args, OpenAICalls.responsesRequest(responses, this.owner.isCaptureContent()));
			}
		}
		Object result = forward(method, args);
		if (result != null && WRAPPED.contains(method.getReturnType())) {
			Child child = this.children.get(method);
			if (child == null || child.target() != result) {
				// The SDK hands out the same service every time; anything else is wrapped anew
				child = new Child(result, proxyOf(method.getReturnType(), result));
				if (args == null || args.length == 0) {
					this.children.put(method, child);
				}
			}
			return child.proxy();
		}
		return result;
	}

	private <T> T proxyOf(Class<T> type, Object result) {
		return proxy(type, type.cast(result), this.owner);
	}

	/** A service the target returned and its proxy. */
	private record Child(Object target, Object proxy) {
	}

	private @Nullable Object forward(Method method, @Nullable Object[] args) throws Throwable {
		return forward(this.target, method, args);
	}

	/**
	 * The target with a sleeper that counts this call's retries. The SDK keeps the
	 * client's other options; a custom sleeper set on the client is not used by traced
	 * calls.
	 */
	private Object counting(AttemptCounter attempts) {
		// Async: a counter for this call, since its retries run on the HTTP client's threads
		if (this.target instanceof ChatCompletionServiceAsync service) {
			return service.withOptions((options) -> options.sleeper(attempts));
		}
		if (this.target instanceof ResponseServiceAsync service) {
			return service.withOptions((options) -> options.sleeper(attempts));
		}
		// Blocking: one service for all calls, its sleeper counts for the calling thread's
		Object counting = this.threadCounting;
		if (counting == null) {
			if (this.target instanceof ChatCompletionService service) {
				counting = service.withOptions((options) -> options.sleeper(AttemptCounter.THREAD_ATTRIBUTED));
			}
			else if (this.target instanceof ResponseService service) {
				counting = service.withOptions((options) -> options.sleeper(AttemptCounter.THREAD_ATTRIBUTED));
			}
			else {
				counting = this.target;
			}
			this.threadCounting = counting;
		}
		return counting;
	}

	private static @Nullable Object forward(Object target, Method method, @Nullable Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			// The SDK's own exception, unchanged
			throw ex.getCause();
		}
	}

	private @Nullable Object traced(Method method, @Nullable Object[] args, OpenAICalls.Request request) throws Throwable {
		boolean streaming = method.getName().equals("createStreaming");
		OpenAISpan span = OpenAISpan.start(this.owner, request, streaming);
		AttemptCounter attempts = new AttemptCounter();
		request.call().attempts(1);
		Object result;
		AttemptCounter previous = attempts.enter();
		try {
			result = forward(counting(attempts), method, args);
		}
		catch (Throwable ex) {
			span.fail(ex, attempts);
			throw ex;
		}
		finally {
			AttemptCounter.restore(previous);
		}
		if (result instanceof CompletableFuture<?> future) {
			// The SDK's own future goes back to the caller: what it completes with is theirs
			future.whenComplete((answer, error) -> span.complete(answer, error, attempts));
			return future;
		}
		if (result instanceof StreamResponse<?> stream) {
			span.attempts(attempts);
			return new TracedStreamResponse<>(stream, span);
		}
		if (result instanceof AsyncStreamResponse<?> stream) {
			span.attempts(attempts);
			return new TracedAsyncStreamResponse<>(stream, span);
		}
		span.complete(result, null, attempts);
		return result;
	}

}
