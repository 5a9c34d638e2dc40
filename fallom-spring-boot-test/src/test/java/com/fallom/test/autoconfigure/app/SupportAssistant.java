package com.fallom.test.autoconfigure.app;

import com.fallom.models.FallomModels;
import com.fallom.tracing.FallomTrace;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.stereotype.Service;

/**
 * Answers a question with the model Fallom assigns to the session.
 */
@Service
public class SupportAssistant {

	private final FallomModels models;

	private final FallomTrace trace;

	private final ChatClient chatClient;

	SupportAssistant(FallomModels models, FallomTrace trace, ChatClient chatClient) {
		this.models = models;
		this.trace = trace;
		this.chatClient = chatClient;
	}

	public String answer(String sessionId, String question) {
		String model = this.models.get("support", sessionId, "gpt-4o-mini");
		try (FallomTrace.Scope scope = this.trace.withSession("support", sessionId)) {
			return this.chatClient.prompt().user(question).options(ChatOptions.builder().model(model)).call().content();
		}
	}

}
