package com.fallom.sample.examples;

import com.fallom.models.FallomModels;
import com.fallom.tracing.FallomTrace;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * Several LLM calls in one workflow, only one of them A/B tested: the seed README's
 * "Multiple A/B tests in one workflow".
 */
@Service
public class MultipleTestsExample {

	private final FallomModels models;

	private final FallomTrace trace;

	private final ChatClient chatClient;

	public MultipleTestsExample(FallomModels models, FallomTrace trace, ChatClient.Builder chatClientBuilder) {
		this.models = models;
		this.trace = trace;
		this.chatClient = chatClientBuilder.build();
	}

	/**
	 * Triage a ticket, summarize it with an A/B tested model, and draft a reply.
	 * @param sessionId the session id
	 * @param ticket the ticket text
	 * @return the drafted reply
	 */
	public String handle(String sessionId, String ticket) {
		// tag::multiple-tests[]
		// Default context for all tracing
		this.trace.setSession("support-agent", sessionId);

		String category = ask("gpt-4o-mini", "Categorize: " + ticket); // traced as "support-agent"

		// A/B test one call: models.get() moves the context to "summarizer-test"
		String model = this.models.get("summarizer-test", sessionId, "gpt-4o");
		String summary = ask(model, "Summarize: " + ticket); // traced as "summarizer-test"

		// Back to the default context
		this.trace.setSession("support-agent", sessionId);

		String reply = ask("gpt-4o-mini", "Reply to this " + category + " ticket: " + summary); // "support-agent"
		// end::multiple-tests[]
		this.trace.clearSession();
		return reply;
	}

	private String ask(String model, String prompt) {
		return this.chatClient.prompt().user(prompt).options(ChatOptions.builder().model(model)).call().content();
	}

}
