package com.fallom.session;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionHolder}: the session and the customer of a request without
 * a session, on pooled threads.
 */
class FallomSessionHolderTests {

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@AfterEach
	void clear() {
		FallomSessionHolder.clearAll();
		this.executor.shutdownNow();
	}

	@Test
	void wrappedTaskRunsWithTheCustomerOfItsSubmitterAndLeavesNoneBehind() throws Exception {
		FallomSessionHolder.setCustomer(new FallomCustomerContext("c-1", Map.of("plan", "pro")));
		Future<FallomCustomerContext> seen = this.executor
			.submit(FallomSessionHolder.wrap(FallomSessionHolder::getCustomer));
		assertThat(seen.get()).isEqualTo(new FallomCustomerContext("c-1", Map.of("plan", "pro")));
		FallomSessionHolder.clearAll();
		assertThat(this.executor.submit(FallomSessionHolder::getCustomer).get()).as("the pooled thread afterwards")
			.isNull();
	}

	@Test
	void contextPropagationCarriesTheCustomer() throws Exception {
		ExecutorService propagating = ContextExecutorService.wrap(this.executor,
				ContextSnapshotFactory.builder().build()::captureAll);
		FallomSessionHolder.setCustomer(new FallomCustomerContext("c-2", Map.of()));
		assertThat(propagating.submit(FallomSessionHolder::getCustomer).get().customerId()).isEqualTo("c-2");
		FallomSessionHolder.clearAll();
		assertThat(propagating.submit(FallomSessionHolder::getCustomer).get()).isNull();
	}

	@Test
	void anEmptyCustomerIsNone() {
		FallomSessionHolder.setCustomer(new FallomCustomerContext(" ", Map.of()));
		assertThat(FallomSessionHolder.getCustomer()).isNull();
	}

	@Test
	void clearKeepsTheCustomerAndClearAllDropsBoth() {
		FallomSessionHolder.set(new FallomSessionContext("k", "s"));
		FallomSessionHolder.setCustomer(new FallomCustomerContext("c-3", Map.of()));
		FallomSessionHolder.clear();
		assertThat(FallomSessionHolder.get()).isNull();
		assertThat(FallomSessionHolder.getCustomer()).isNotNull();
		FallomSessionHolder.clearAll();
		assertThat(FallomSessionHolder.getCustomer()).isNull();
	}

}
