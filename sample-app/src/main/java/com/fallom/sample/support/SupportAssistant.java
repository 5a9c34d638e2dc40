package com.fallom.sample.support;

import java.util.Locale;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.models.ModelOptions;
import com.fallom.sample.SampleProperties;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * The support assistant: asks Fallom which model a conversation gets, then asks that
 * model through Spring AI's {@link ChatClient}. Fallom's assignment call also sets the
 * thread's Fallom session, so the chat call is traced with the same config key, session
 * id and model that the backend recorded for the session. The customer id of the request
 * ({@code X-Fallom-Customer-Id}, read by Fallom's web filter) reaches the config's
 * targeting without being passed here.
 */
@Service
public class SupportAssistant {

	private final FallomModels models;

	private final ChatClient chatClient;

	private final SampleProperties properties;

	public SupportAssistant(FallomModels models, ChatClient.Builder chatClientBuilder, SampleProperties properties) {
		this.models = models;
		this.chatClient = chatClientBuilder.defaultSystem("You are a concise, friendly customer support assistant.")
			.build();
		this.properties = properties;
	}

	/**
	 * Answer a message of a conversation.
	 * @param sessionId the conversation's session id
	 * @param message the customer's message
	 * @return the answer and the model that gave it
	 */
	public ChatAnswer answer(String sessionId, String message) {
		// assign() is get() with the version too; with a fallback it never throws
		ModelAssignment assignment = this.models.assign(this.properties.getConfigKey(), sessionId,
				ModelOptions.fallback(this.properties.getFallbackModel()));
		String reply = this.chatClient.prompt()
			.user(message)
			.options(ChatOptions.builder().model(assignment.model()))
			.call()
			.content();
		return new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(),
				assignment.reason().name().toLowerCase(Locale.ROOT), reply);
	}

	/**
	 * The answer of {@code POST /chat}.
	 *
	 * @param sessionId the session id of the conversation
	 * @param model the model Fallom assigned to the session
	 * @param configVersion the config version the model came from, 0 for the fallback
	 * @param assignedBy why the session got the model: {@code individual_target} (a
	 * pinned customer, such as the sample's {@code vip-1}), {@code rule}, {@code hash} or
	 * {@code fallback}
	 * @param reply the model's reply
	 */
	public record ChatAnswer(String sessionId, String model, int configVersion, String assignedBy, String reply) {
	}

}
