package com.fallom.session;

import java.util.Map;

import com.fallom.internal.Arguments;
import org.jspecify.annotations.Nullable;

/**
 * The customer of a unit of work that has no Fallom session of its own, such as a web
 * request without a session id whose user is known: the customer id and the fields
 * targeting rules read. A session started in that unit of work, by {@code FallomModels}
 * or {@code @FallomSession} with an id of its own, belongs to this customer unless it
 * names another.
 *
 * @param customerId the customer id, or {@code null}; blank means none
 * @param targetingContext the fields targeting rules read, unmodifiable; never exported
 */
public record FallomCustomerContext(@Nullable String customerId, Map<String, String> targetingContext) {

	public FallomCustomerContext {
		customerId = Arguments.hasText(customerId) ? customerId : null;
		targetingContext = FallomSessionContext.validTargetingContext(targetingContext);
	}

	/**
	 * Whether there is anything to carry: a customer id or targeting fields.
	 * @return whether the customer is known
	 */
	public boolean isEmpty() {
		return this.customerId == null && this.targetingContext.isEmpty();
	}

	@Override
	public String toString() {
		// Customer ids and context values identify people: say whether they are set only.
		return "FallomCustomerContext[customerId=" + ((this.customerId != null) ? "<set>" : "none")
				+ ", targetingContext=" + this.targetingContext.keySet() + "]";
	}

}
