package com.fallom.springai;

import java.util.ArrayList;
import java.util.List;

import com.fallom.prompts.FallomPrompt;
import com.fallom.prompts.PromptContext;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallomPromptMessages}.
 */
class FallomPromptMessagesTests {

	private static final FallomPrompt TESTED = new FallomPrompt("support", 2, "You help Acme.", "Where is my order?",
			"support-test", 1);

	@Test
	void givesASystemAndAUserMessageCarryingThePromptContext() {
		List<Message> messages = FallomPromptMessages.messages(TESTED);
		assertThat(messages).extracting(Message::getMessageType).containsExactly(MessageType.SYSTEM, MessageType.USER);
		assertThat(messages).extracting(Message::getText).containsExactly("You help Acme.", "Where is my order?");
		assertThat(messages.get(1).getMetadata()).containsEntry("fallom.prompt_key", "support")
			.containsEntry("fallom.prompt_version", 2)
			.containsEntry("fallom.prompt_ab_test", "support-test")
			.containsEntry("fallom.prompt_variant", 1);
	}

	@Test
	void leavesOutAnEmptySystemPrompt() {
		FallomPrompt userOnly = new FallomPrompt("p", 1, "", "Hi", null, null);
		assertThat(FallomPromptMessages.messages(userOnly)).extracting(Message::getMessageType)
			.containsExactly(MessageType.USER);
	}

	@Test
	void findsTheContextBackInTheSpringAiPrompt() {
		Prompt prompt = FallomPromptMessages.prompt(TESTED, ChatOptions.builder().model("gpt-4o").build());
		assertThat(prompt.getOptions().getModel()).isEqualTo("gpt-4o");
		assertThat(FallomPromptMessages.contextOf(prompt)).isEqualTo(new PromptContext("support", 2, "support-test", 1));
	}

	@Test
	void findsTheLatestContextInAConversation() {
		FallomPrompt first = new FallomPrompt("greeting", 1, "", "Hi", null, null);
		List<Message> conversation = new ArrayList<>(FallomPromptMessages.messages(first));
		conversation.add(new AssistantMessage("Hello!"));
		conversation.addAll(FallomPromptMessages.messages(TESTED));
		assertThat(FallomPromptMessages.contextOf(new Prompt(conversation)).promptKey()).isEqualTo("support");
	}

	@Test
	void findsNoContextInPlainMessagesOrAFallback() {
		assertThat(FallomPromptMessages.contextOf(new Prompt(new UserMessage("plain")))).isNull();
		assertThat(FallomPromptMessages.contextOf(FallomPromptMessages.prompt(FallomPrompt.of("p", "s", "u")))).isNull();
	}

}
