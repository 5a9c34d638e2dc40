package com.fallom.sample.support;

import com.fallom.sample.support.FeedbackService.Feedback;
import com.fallom.sample.support.SupportAssistant.ChatAnswer;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The support-assistant HTTP API: {@code POST /chat} and {@code POST /feedback}. The
 * session id comes in the header that Fallom's web filter reads too,
 * {@value #SESSION_HEADER}.
 */
@RestController
public class ChatController {

	/**
	 * The header that carries the conversation's session id.
	 */
	public static final String SESSION_HEADER = "X-Fallom-Session-Id";

	private final SupportAssistant assistant;

	private final FeedbackService feedbackService;

	public ChatController(SupportAssistant assistant, FeedbackService feedbackService) {
		this.assistant = assistant;
		this.feedbackService = feedbackService;
	}

	@PostMapping("/chat")
	public ChatAnswer chat(@RequestHeader(SESSION_HEADER) String sessionId, @RequestBody ChatRequest request) {
		return this.assistant.answer(sessionId, request.message());
	}

	@PostMapping("/feedback")
	@ResponseStatus(HttpStatus.ACCEPTED)
	public void feedback(@RequestHeader(SESSION_HEADER) String sessionId, @RequestBody Feedback feedback) {
		this.feedbackService.record(sessionId, feedback);
	}

	/**
	 * The body of {@code POST /chat}.
	 *
	 * @param message the customer's message
	 */
	public record ChatRequest(String message) {
	}

}
