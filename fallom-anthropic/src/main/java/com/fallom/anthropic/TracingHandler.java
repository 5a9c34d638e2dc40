package com.fallom.anthropic;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;

/**
 * The proxy behind a traced client and its message services. It implements the SDK's own
 * interfaces, whatever methods the SDK version on the classpath has: the message
 * services' {@code create} and {@code createStreaming} are traced, default methods run on
 * the proxy so that their overloads (structured output, no request options) reach the
 * traced ones, and every other method (other services, endpoints of newer versions) is
 * the client's own.
 */
final class TracingHandler implements InvocationHandler {

	private enum Role {

		CLIENT, CLIENT_ASYNC, MESSAGES, MESSAGES_ASYNC

	}

	private final Object target;

	private final Role role;

	private final FallomAnthropic owner;

	private final JsonMapper jsonMapper;

	private TracingHandler(Object target, Role role, FallomAnthropic owner, JsonMapper jsonMapper) {
		this.target = target;
		this.role = role;
		this.owner = owner;
		this.jsonMapper = jsonMapper;
	}

	static AnthropicClient client(AnthropicClient client, FallomAnthropic owner) {
		return proxy(AnthropicClient.class,
				new TracingHandler(client, Role.CLIENT, owner, client.options().jsonMapper()));
	}

	static AnthropicClientAsync client(AnthropicClientAsync client, FallomAnthropic owner) {
		return proxy(AnthropicClientAsync.class,
				new TracingHandler(client, Role.CLIENT_ASYNC, owner, client.options().jsonMapper()));
	}

	/**
	 * Whether an object is a client this class traces already.
	 */
	static boolean isTraced(Object client) {
		return Proxy.isProxyClass(client.getClass()) && Proxy.getInvocationHandler(client) instanceof TracingHandler;
	}

	private static <T> T proxy(Class<T> type, TracingHandler handler) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		String name = method.getName();
		if (method.getDeclaringClass() == Object.class) {
			return switch (name) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "Fallom traced " + this.target;
			};
		}
		if (method.isDefault()) {
			// Overloads funnel into the abstract methods, through this proxy
			return InvocationHandler.invokeDefault(proxy, method, args);
		}
		switch (this.role) {
			case CLIENT -> {
				if (name.equals("messages") && args == null) {
					return proxy(MessageService.class, derived(delegate(method, args), Role.MESSAGES));
				}
				if (name.equals("async") && args == null) {
					return proxy(AnthropicClientAsync.class, derived(delegate(method, args), Role.CLIENT_ASYNC));
				}
				if (name.equals("withOptions")) {
					return proxy(AnthropicClient.class, derived(delegate(method, args), Role.CLIENT));
				}
			}
			case CLIENT_ASYNC -> {
				if (name.equals("messages") && args == null) {
					return proxy(MessageServiceAsync.class, derived(delegate(method, args), Role.MESSAGES_ASYNC));
				}
				if (name.equals("sync") && args == null) {
					return proxy(AnthropicClient.class, derived(delegate(method, args), Role.CLIENT));
				}
				if (name.equals("withOptions")) {
					return proxy(AnthropicClientAsync.class, derived(delegate(method, args), Role.CLIENT_ASYNC));
				}
			}
			case MESSAGES -> {
				if (isCreate(method, args)) {
					return name.equals("create") ? create((MessageService) this.target, args)
							: createStreaming((MessageService) this.target, args);
				}
				if (name.equals("withOptions")) {
					return proxy(MessageService.class, derived(delegate(method, args), Role.MESSAGES));
				}
			}
			case MESSAGES_ASYNC -> {
				if (isCreate(method, args)) {
					return name.equals("create") ? createAsync((MessageServiceAsync) this.target, args)
							: createStreamingAsync((MessageServiceAsync) this.target, args);
				}
				if (name.equals("withOptions")) {
					return proxy(MessageServiceAsync.class, derived(delegate(method, args), Role.MESSAGES_ASYNC));
				}
			}
		}
		return delegate(method, args);
	}

	private static boolean isCreate(Method method, @Nullable Object[] args) {
		String name = method.getName();
		return (name.equals("create") || name.equals("createStreaming")) && args != null && args.length == 2
				&& args[0] instanceof MessageCreateParams && args[1] instanceof RequestOptions;
	}

	private TracingHandler derived(Object target, Role role) {
		return new TracingHandler(target, role, this.owner, this.jsonMapper);
	}

	private Object delegate(Method method, @Nullable Object[] args) throws Throwable {
		try {
			return method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			// The SDK's own exception, unchanged
			throw ex.getCause();
		}
	}

	private Message create(MessageService messages, Object[] args) {
		MessageCall call = MessageCall.start(this.owner, this.jsonMapper, (MessageCreateParams) args[0], false, false);
		if (call == null) {
			return messages.create((MessageCreateParams) args[0], (RequestOptions) args[1]);
		}
		Message message;
		try (AttemptCounter.Scope scope = AttemptCounter.countOnThisThread(call)) {
			message = messages.create(call.params(), (RequestOptions) args[1]);
		}
		catch (Throwable ex) {
			call.failed(ex);
			throw ex;
		}
		call.succeeded(message);
		return message;
	}

	private StreamResponse<RawMessageStreamEvent> createStreaming(MessageService messages, Object[] args) {
		MessageCall call = MessageCall.start(this.owner, this.jsonMapper, (MessageCreateParams) args[0], true, false);
		if (call == null) {
			return messages.createStreaming((MessageCreateParams) args[0], (RequestOptions) args[1]);
		}
		StreamResponse<RawMessageStreamEvent> response;
		// The SDK retries a stream only until its answer starts, within this method
		try (AttemptCounter.Scope scope = AttemptCounter.countOnThisThread(call)) {
			response = messages.createStreaming(call.params(), (RequestOptions) args[1]);
		}
		catch (Throwable ex) {
			call.failed(ex);
			throw ex;
		}
		return new TracedStreamResponse(response, call);
	}

	private CompletableFuture<Message> createAsync(MessageServiceAsync messages, Object[] args) {
		MessageCall call = MessageCall.start(this.owner, this.jsonMapper, (MessageCreateParams) args[0], false, true);
		if (call == null) {
			return messages.create((MessageCreateParams) args[0], (RequestOptions) args[1]);
		}
		CompletableFuture<Message> future;
		try {
			future = messages.create(call.params(), (RequestOptions) args[1]);
		}
		catch (Throwable ex) {
			call.failed(ex);
			throw ex;
		}
		// A future of our own, completed with the SDK's value or exception as they are
		CompletableFuture<Message> result = new CompletableFuture<>();
		future.whenComplete((message, error) -> {
			if (error != null) {
				call.failed(unwrap(error));
				result.completeExceptionally(error);
			}
			else {
				call.succeeded(message);
				result.complete(message);
			}
		});
		result.whenComplete((message, error) -> {
			if (result.isCancelled()) {
				future.cancel(true);
			}
		});
		return result;
	}

	private AsyncStreamResponse<RawMessageStreamEvent> createStreamingAsync(MessageServiceAsync messages,
			Object[] args) {
		MessageCall call = MessageCall.start(this.owner, this.jsonMapper, (MessageCreateParams) args[0], true, true);
		if (call == null) {
			return messages.createStreaming((MessageCreateParams) args[0], (RequestOptions) args[1]);
		}
		AsyncStreamResponse<RawMessageStreamEvent> response;
		try {
			response = messages.createStreaming(call.params(), (RequestOptions) args[1]);
		}
		catch (Throwable ex) {
			call.failed(ex);
			throw ex;
		}
		return new TracedAsyncStreamResponse(response, call);
	}

	static Throwable unwrap(Throwable error) {
		return (error instanceof CompletionException && error.getCause() != null)
				? error.getCause() : error;
	}

}
