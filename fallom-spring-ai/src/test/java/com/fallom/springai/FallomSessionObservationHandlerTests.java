package com.fallom.springai;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fallom.session.FallomSessionHolder;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomSessionObservationHandler}.
 */
class FallomSessionObservationHandlerTests {

	private final Map<Class<?>, Observation.Context> stopped = new ConcurrentHashMap<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	FallomSessionObservationHandlerTests() {
		this.registry.observationConfig()
			.observationHandler(new FallomSessionObservationHandler(
					List.of(ChatModelObservationContext.class, ChatClientObservationContext.class)))
			.observationHandler(new ObservationHandler<>() {

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

				@Override
				public void onStop(Observation.Context context) {
					FallomSessionObservationHandlerTests.this.stopped.put(context.getClass(), context);
				}

			});
	}

	@AfterEach
	void clear() {
		FallomSessionHolder.clear();
	}

	private static Map<String, String> highCardinality(Observation.Context context) {
		return context.getHighCardinalityKeyValues()
			.stream()
			.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	@Test
	void chatClientAndChatModelObservationsCarryTheSessionAsHighCardinalityKeyValues() {
		FallomSessionHolder.setIfChanged("support", "user-1", 4, 2, "gpt-4o");
		ChatClient.create(new ObservedChatModel(this.registry), this.registry).prompt("hi").call().content();
		for (Class<?> type : List.of(ChatModelObservationContext.class, ChatClientObservationContext.class)) {
			Observation.Context context = this.stopped.get(type);
			assertThat(highCardinality(context)).containsEntry("fallom.config_key", "support")
				.containsEntry("fallom.session_id", "user-1")
				.containsEntry("fallom.config_version", "4")
				.containsEntry("fallom.variant", "2");
			assertThat(context.getLowCardinalityKeyValues().stream().map(KeyValue::getKey))
				.noneMatch((key) -> key.startsWith("fallom."));
		}
	}

	@Test
	void observationsOutsideASessionAreNotTagged() {
		new ObservedChatModel(this.registry).call("hi");
		assertThat(highCardinality(this.stopped.get(ChatModelObservationContext.class)).keySet())
			.noneMatch((key) -> key.startsWith("fallom."));
	}

	@Test
	void otherObservationsAreNotTagged() {
		FallomSessionHolder.setIfChanged("support", "user-1");
		Observation.createNotStarted("http.server", this.registry).observe(() -> {
		});
		assertThat(highCardinality(this.stopped.get(Observation.Context.class))).isEmpty();
	}

}
