package com.fallom.session;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the current {@link FallomSessionContext} across thread hops with Micrometer's
 * context-propagation: Reactor operators (with
 * {@code spring.reactor.context-propagation=auto}) and executors wrapped with
 * {@code ContextSnapshot} or Spring's {@code ContextPropagatingTaskDecorator}. Registered
 * through {@code META-INF/services}, so {@code ContextRegistry.getInstance()} finds it.
 */
public final class FallomSessionThreadLocalAccessor implements ThreadLocalAccessor<FallomSessionContext> {

	/** The key of the session in a Reactor {@code Context} or a {@code ContextSnapshot}. */
	public static final String KEY = "fallom.session";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable FallomSessionContext getValue() {
		return FallomSessionHolder.get();
	}

	@Override
	public void setValue(FallomSessionContext value) {
		FallomSessionHolder.set(value);
	}

	@Override
	public void setValue() {
		FallomSessionHolder.clear();
	}

}
