package com.fallom.sample.chat;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@link LocalChatModel} when {@code spring.ai.model.chat=local}, the
 * default in {@code application.yml}. That is the property Spring AI's provider starters
 * switch on, so the {@code openai} profile, which sets it to {@code openai}, swaps this
 * model for OpenAI's without any code change.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.ai.model.chat", havingValue = "local")
public class LocalChatModelConfiguration {

	@Bean
	LocalChatModel localChatModel(ObjectProvider<ObservationRegistry> observationRegistry) {
		return new LocalChatModel(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP), "local-model");
	}

}
