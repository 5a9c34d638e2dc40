package com.fallom.test.autoconfigure.app;

import com.fallom.springai.ObservedChatModel;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A tiny app as users write one: Fallom's starter, a Spring AI chat model (one that
 * answers itself, as a provider's model would) and a service that uses both.
 */
@SpringBootApplication
public class ChatApplication {

	@Bean
	ObservedChatModel chatModel(ObservationRegistry observationRegistry) {
		return new ObservedChatModel(observationRegistry);
	}

	@Bean
	ChatClient chatClient(ObservedChatModel chatModel, ObservationRegistry observationRegistry) {
		return ChatClient.create(chatModel, observationRegistry);
	}

}
