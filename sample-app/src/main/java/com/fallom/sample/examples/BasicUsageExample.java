package com.fallom.sample.examples;

import java.util.Map;

import com.fallom.models.FallomModels;
import com.fallom.tracing.FallomTrace;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * The seed SDK's {@code basic_usage.py}: A/B test the model of a call, trace it, and
 * record a business metric for the session.
 */
// tag::basic-usage[]
@Service
public class BasicUsageExample {

	private final FallomModels models;

	private final FallomTrace trace;

	private final ChatClient chatClient;

	public BasicUsageExample(FallomModels models, FallomTrace trace, ChatClient.Builder chatClientBuilder) {
		this.models = models;
		this.trace = trace;
		this.chatClient = chatClientBuilder.build();
	}

	public String answer(String sessionId, String question) {
		// Sticky: this session always gets the same model, decided locally
		String model = this.models.get("support-assistant", sessionId, "gpt-4o-mini");

		// Traced with the model, tokens, latency and the session: no code needed
		String answer = this.chatClient.prompt()
			.user(question)
			.options(ChatOptions.builder().model(model))
			.call()
			.content();

		// A business metric for the same session
		this.trace.span(Map.of("answer_length", answer.length()));
		return answer;
	}

}
// end::basic-usage[]
