package com.fallom.sample.examples;

import com.fallom.tracing.FallomTrace;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * The seed SDK's {@code tracing_only.py}: no A/B test, the model is fixed; every chat
 * call is still traced under the session it runs in.
 */
@Service
public class TracingOnlyExample {

	private final FallomTrace trace;

	private final ChatClient chatClient;

	public TracingOnlyExample(FallomTrace trace, ChatClient.Builder chatClientBuilder) {
		this.trace = trace;
		this.chatClient = chatClientBuilder.build();
	}

	/**
	 * Set the session for the rest of the thread's work, as {@code set_session} does.
	 * @param sessionId the session id
	 * @param question the question
	 * @return the answer
	 */
	public String answer(String sessionId, String question) {
		// tag::set-session[]
		this.trace.setSession("my-agent", sessionId);

		// Traced with model, tokens, latency, prompt and completion, and the session
		String answer = this.chatClient.prompt()
			.user(question)
			.options(ChatOptions.builder().model("gpt-4o"))
			.call()
			.content();
		// end::set-session[]
		this.trace.clearSession();
		return answer;
	}

	/**
	 * Set the session for a block only.
	 * @param sessionId the session id
	 * @param question the question
	 * @return the answer
	 */
	public String answerInScope(String sessionId, String question) {
		// tag::with-session[]
		try (FallomTrace.Scope scope = this.trace.withSession("my-agent", sessionId)) {
			return this.chatClient.prompt()
				.user(question)
				.options(ChatOptions.builder().model("gpt-4o"))
				.call()
				.content();
		} // the previous session, if any, is back
		// end::with-session[]
	}

}
