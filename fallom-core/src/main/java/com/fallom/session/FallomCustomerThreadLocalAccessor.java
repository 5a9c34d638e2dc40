package com.fallom.session;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the current {@link FallomCustomerContext} across thread hops with Micrometer's
 * context-propagation, as {@link FallomSessionThreadLocalAccessor} carries the session.
 * Registered through {@code META-INF/services}.
 */
public final class FallomCustomerThreadLocalAccessor implements ThreadLocalAccessor<FallomCustomerContext> {

	/** The key of the customer in a Reactor {@code Context} or a {@code ContextSnapshot}. */
	public static final String KEY = "fallom.customer";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable FallomCustomerContext getValue() {
		return FallomSessionHolder.getCustomer();
	}

	@Override
	public void setValue(FallomCustomerContext value) {
		FallomSessionHolder.setCustomer(value);
	}

	@Override
	public void setValue() {
		FallomSessionHolder.setCustomer(null);
	}

}
