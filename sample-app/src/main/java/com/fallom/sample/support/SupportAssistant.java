package com.fallom.sample.support;

import com.fallom.models.ModelAssignment;
import com.fallom.prompts.FallomPrompt;
import com.fallom.sample.SampleProperties;
import com.fallom.springai.FallomAdvisor;
import com.fallom.springai.FallomAdvisors;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.stereotype.Service;

/**
 * The support assistant: a Spring AI {@link ChatClient} whose {@link FallomAdvisor} asks
 * Fallom which model a conversation gets and which system prompt (a prompt A/B test), and
 * whose one tool looks up orders. The advisor carries the assignment in the request
 * itself, so the chat spans of the call are traced with the same config key, session id
 * and model that the backend recorded for the session, and with the prompt's key,
 * version, test and variant; the tool's span sits beside them under the call's span.
 */
@Service
public class SupportAssistant {

	private final ChatClient chatClient;

	private final SampleProperties properties;

	public SupportAssistant(FallomAdvisors fallomAdvisors, ChatClient.Builder chatClientBuilder, OrderTools orderTools,
			SampleProperties properties) {
		this.properties = properties;
		// tag::advisor[]
		this.chatClient = chatClientBuilder
			.defaultAdvisors(fallomAdvisors.abTest(properties.getConfigKey())
				.fallback(properties.getFallbackModel()) // a Fallom problem never fails a chat
				.promptAbTest(properties.getPromptAbTest())) // the session's system prompt
			.defaultTools(orderTools)
			.build();
		// end::advisor[]
	}

	/**
	 * Answer a message of a conversation.
	 * @param sessionId the conversation's session id
	 * @param message the customer's message
	 * @return the answer, the model that gave it and the prompt it was given
	 */
	// tag::prompt[]
	public ChatAnswer answer(String sessionId, String message) {
		ChatClientResponse response = this.chatClient.prompt()
			// the prompt's own text, used when the prompt test is unknown
			.system("You are " + this.properties.getCompany() + "'s concise, friendly customer support assistant.")
			.user(message)
			.advisors((advisor) -> advisor.param(FallomAdvisor.SESSION_ID, sessionId)
				// the prompt's variables
				.param("company", this.properties.getCompany())
				.param("message", message))
			.call()
			.chatClientResponse();
		ModelAssignment assignment = (ModelAssignment) response.context().get(FallomAdvisor.ASSIGNMENT);
		FallomPrompt prompt = (FallomPrompt) response.context().get(FallomAdvisor.PROMPT);
		String reply = response.chatResponse().getResult().getOutput().getText();
		return (prompt != null)
				? new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(), prompt.key(),
						prompt.version(), prompt.variantIndex(), reply)
				: new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(),
						this.properties.getPromptAbTest(), FallomPrompt.FALLBACK_VERSION, null, reply);
	}
	// end::prompt[]

	/**
	 * The answer of {@code POST /chat}.
	 *
	 * @param sessionId the session id of the conversation
	 * @param model the model Fallom assigned to the session
	 * @param configVersion the config version the model came from, 0 for the fallback
	 * @param promptKey the key of the system prompt the session got
	 * @param promptVersion the version of that prompt, 0 for the fallback
	 * @param promptVariant the prompt test's variant, or {@code null} for the fallback
	 * @param reply the model's reply
	 */
	public record ChatAnswer(String sessionId, String model, int configVersion, String promptKey, int promptVersion,
			@Nullable Integer promptVariant, String reply) {
	}

}
