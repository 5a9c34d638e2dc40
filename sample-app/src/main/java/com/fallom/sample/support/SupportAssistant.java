package com.fallom.sample.support;

import java.util.Locale;

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
 * The customer id of the request ({@code X-Fallom-Customer-Id}, read by Fallom's web
 * filter) reaches the config's targeting through the advisor without being passed here.
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
				? new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(), assignedBy(assignment),
						prompt.key(), prompt.version(), prompt.variantIndex(), reply)
				: new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(), assignedBy(assignment),
						this.properties.getPromptAbTest(), FallomPrompt.FALLBACK_VERSION, null, reply);
	}
	// end::prompt[]

	private static String assignedBy(ModelAssignment assignment) {
		return assignment.reason().name().toLowerCase(Locale.ROOT);
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
	 * @param promptKey the key of the system prompt the session got
	 * @param promptVersion the version of that prompt, 0 for the fallback
	 * @param promptVariant the prompt test's variant, or {@code null} for the fallback
	 * @param reply the model's reply
	 */
	public record ChatAnswer(String sessionId, String model, int configVersion, String assignedBy, String promptKey,
			int promptVersion, @Nullable Integer promptVariant, String reply) {
	}

}
