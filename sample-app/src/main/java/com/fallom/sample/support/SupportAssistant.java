package com.fallom.sample.support;

import java.util.Locale;
import java.util.Map;

import com.fallom.models.FallomModels;
import com.fallom.models.ModelAssignment;
import com.fallom.models.ModelOptions;
import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.FallomPrompts;
import com.fallom.prompts.PromptFallback;
import com.fallom.sample.SampleProperties;
import com.fallom.springai.FallomPromptMessages;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * The support assistant: asks Fallom which model a conversation gets and which system
 * prompt (a prompt A/B test), then asks that model through Spring AI's
 * {@link ChatClient}. Fallom's assignment call also sets the thread's Fallom session, so
 * the chat call is traced with the same config key, session id and model that the
 * backend recorded for the session; the prompt travels in the request's messages, so the
 * same span carries the prompt's key, version, test and variant. The customer id of the
 * request ({@code X-Fallom-Customer-Id}, read by Fallom's web filter) reaches the
 * config's targeting without being passed here.
 */
@Service
public class SupportAssistant {

	// Served when the prompt test is unknown, e.g. before a first sync with no bootstrap
	private static final PromptFallback FALLBACK_PROMPT = PromptFallback
		.of("You are {{ company }}'s concise, friendly customer support assistant.", "{{ message }}");

	private final FallomModels models;

	private final FallomPrompts prompts;

	private final ChatClient chatClient;

	private final SampleProperties properties;

	public SupportAssistant(FallomModels models, FallomPrompts prompts, ChatClient.Builder chatClientBuilder,
			SampleProperties properties) {
		this.models = models;
		this.prompts = prompts;
		this.chatClient = chatClientBuilder.build();
		this.properties = properties;
	}

	/**
	 * Answer a message of a conversation.
	 * @param sessionId the conversation's session id
	 * @param message the customer's message
	 * @return the answer, the model that gave it and the prompt it was given
	 */
	// tag::prompt[]
	public ChatAnswer answer(String sessionId, String message) {
		// assign() is get() with the version too; with a fallback it never throws
		ModelAssignment assignment = this.models.assign(this.properties.getConfigKey(), sessionId,
				ModelOptions.fallback(this.properties.getFallbackModel()));
		// The same session always gets the same prompt; no I/O here, ever
		FallomPrompt prompt = this.prompts.getAb(this.properties.getPromptAbTest(), sessionId,
				Map.of("company", this.properties.getCompany(), "message", message), FALLBACK_PROMPT);
		String reply = this.chatClient.prompt()
			.messages(FallomPromptMessages.messages(prompt))
			.options(ChatOptions.builder().model(assignment.model()))
			.call()
			.content();
		return new ChatAnswer(sessionId, assignment.model(), assignment.configVersion(),
				assignment.reason().name().toLowerCase(Locale.ROOT), prompt.key(), prompt.version(),
				prompt.variantIndex(), reply);
	}
	// end::prompt[]

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
