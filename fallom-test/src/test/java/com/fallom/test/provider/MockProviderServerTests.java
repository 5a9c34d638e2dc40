package com.fallom.test.provider;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MockProviderServer}: the reply script, recordings, base URLs, bad
 * requests and lifecycle.
 */
class MockProviderServerTests {

	private static final String OPENAI_REQUEST = """
			{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}""";

	private MockProviderServer server;

	@BeforeEach
	void startServer() {
		this.server = MockProviderServer.start();
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void listensOnLoopbackWithBaseUrlsForEachKindOfClient() {
		String root = "http://127.0.0.1:" + this.server.port();
		assertThat(this.server.port()).isPositive();
		assertThat(this.server.baseUrl()).isEqualTo(root);
		assertThat(this.server.openAiBaseUrl()).isEqualTo(root + "/v1");
		assertThat(this.server.anthropicBaseUrl()).isEqualTo(root);
		assertThat(this.server.anthropicV1BaseUrl()).isEqualTo(root + "/v1");
	}

	@Test
	void answersQueuedRepliesInOrderThenTheDefaultReply() {
		this.server.enqueue(ProviderReply.text("first"), ProviderReply.text("second"));
		assertThat(this.server.pendingReplies()).isEqualTo(2);
		assertThat(contentOfNextAnswer()).isEqualTo("first");
		assertThat(contentOfNextAnswer()).isEqualTo("second");
		assertThat(contentOfNextAnswer()).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		this.server.defaultReply(ProviderReply.text("default"));
		assertThat(contentOfNextAnswer()).isEqualTo("default");
		assertThat(this.server.pendingReplies()).isZero();
	}

	@Test
	void recordsPathHeadersAndJsonBodyOfEveryRequest() {
		ProviderHttp.send(ProviderHttp.openAi(this.server, OPENAI_REQUEST));
		ProviderHttp.send(ProviderHttp.anthropic(this.server, """
				{"model":"claude-haiku-4-5","max_tokens":10,"stream":true,"messages":[]}"""));
		assertThat(this.server.requests()).hasSize(2);
		ProviderRequest openAi = this.server.requests(ProviderApi.OPENAI_CHAT_COMPLETIONS).get(0);
		assertThat(openAi.api()).isEqualTo(ProviderApi.OPENAI_CHAT_COMPLETIONS);
		assertThat(openAi.method()).isEqualTo("POST");
		assertThat(openAi.path()).isEqualTo("/v1/chat/completions");
		assertThat(openAi.header("AUTHORIZATION")).isEqualTo("Bearer sk-test");
		assertThat(openAi.model()).isEqualTo("gpt-4o");
		assertThat(openAi.isStreaming()).isFalse();
		assertThat(openAi.json().path("messages").path(0).path("content").asString()).isEqualTo("Hi");
		assertThat(openAi.bodyAsString()).isEqualTo(OPENAI_REQUEST);
		ProviderRequest anthropic = this.server.lastRequest();
		assertThat(anthropic.api()).isEqualTo(ProviderApi.ANTHROPIC_MESSAGES);
		assertThat(anthropic.path()).isEqualTo("/v1/messages");
		assertThat(anthropic.header("x-api-key")).isEqualTo("sk-ant-test");
		assertThat(anthropic.header("anthropic-version")).isEqualTo("2023-06-01");
		assertThat(anthropic.model()).isEqualTo("claude-haiku-4-5");
		assertThat(anthropic.isStreaming()).isTrue();
	}

	@Test
	void answersUnknownPathWith404AndRecordsIt() {
		HttpResponse<String> response = ProviderHttp.send(HttpRequest.newBuilder(URI.create(this.server.baseUrl()
				+ "/v1/embeddings"))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(ProviderHttp.json(response).path("error").path("message").asString()).contains("/v1/embeddings");
		assertThat(this.server.lastRequest().api()).isNull();
	}

	@Test
	void answersBodyThatIsNotAJsonObjectWith400WithoutTakingAReply() {
		this.server.enqueue(ProviderReply.text("kept"));
		HttpResponse<String> response = ProviderHttp.send(ProviderHttp.anthropic(this.server, "not json"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(ProviderHttp.json(response).path("error").path("type").asString())
			.isEqualTo("invalid_request_error");
		assertThat(this.server.pendingReplies()).isOne();
		assertThat(this.server.lastRequest().json().isMissingNode()).isTrue();
	}

	@Test
	void answersGetWith405() {
		HttpResponse<String> response = ProviderHttp.send(HttpRequest.newBuilder(URI.create(this.server.openAiBaseUrl()
				+ "/chat/completions"))
			.GET()
			.build());
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("POST");
	}

	@Test
	void delayedReplyDoesNotHoldUpOtherRequestsAndClosingEndsTheWait() {
		this.server.enqueue(ProviderReply.text("slow").delay(Duration.ofMinutes(1)));
		CompletableFuture<HttpResponse<String>> slow = ProviderHttp
			.sendAsync(ProviderHttp.openAi(this.server, OPENAI_REQUEST));
		// The fast request is only sent once the slow one holds its reply
		await().until(() -> this.server.pendingReplies() == 0);
		assertThat(contentOfNextAnswer()).isEqualTo(MockProviderServer.DEFAULT_TEXT);
		assertThat(slow).isNotDone();
		this.server.close();
		assertThat(slow).failsWithin(Duration.ofSeconds(10));
	}

	@Test
	void resetForgetsRequestsAndQueuedRepliesAndRestoresTheDefaultReply() {
		this.server.defaultReply(ProviderReply.text("custom"));
		this.server.enqueue(ProviderReply.text("queued"));
		ProviderHttp.send(ProviderHttp.openAi(this.server, OPENAI_REQUEST));
		this.server.enqueue(ProviderReply.text("queued again"));
		this.server.reset();
		assertThat(this.server.requests()).isEmpty();
		assertThat(this.server.pendingReplies()).isZero();
		assertThatIllegalStateException().isThrownBy(this.server::lastRequest);
		assertThat(contentOfNextAnswer()).isEqualTo(MockProviderServer.DEFAULT_TEXT);
	}

	@Test
	void closeIsIdempotent() {
		this.server.close();
		this.server.close();
	}

	@Test
	void rejectsToolArgumentsThatAreNotAJsonObject() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProviderReply.toolCall("f", "[1]"));
		assertThatIllegalArgumentException().isThrownBy(() -> ProviderReply.toolCall("f", "{broken"));
	}

	@Test
	void rejectsOptionsThatDoNotApplyToAnErrorReply() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProviderReply.error(200, "ok"));
		assertThatIllegalStateException().isThrownBy(() -> ProviderReply.error(500, "boom").usage(1, 1));
	}

	@Test
	void splitsTextIntoWordsWithTheirLeadingWhitespace() {
		assertThat(MockProviderServer.words("It is  sunny.")).containsExactly("It", " is", "  sunny.");
		assertThat(MockProviderServer.words(" Hi")).containsExactly(" Hi");
		assertThat(MockProviderServer.words("")).isEmpty();
	}

	@Test
	void splitsArgumentsIntoPiecesWithoutBreakingSurrogatePairs() {
		String arguments = "{\"emoji\":\"\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\"}";
		assertThat(String.join("", MockProviderServer.pieces(arguments))).isEqualTo(arguments);
		assertThat(MockProviderServer.pieces(arguments))
			.allSatisfy((piece) -> assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isFalse());
	}

	private String contentOfNextAnswer() {
		HttpResponse<String> response = ProviderHttp.send(ProviderHttp.openAi(this.server, OPENAI_REQUEST));
		return ProviderHttp.json(response).path("choices").path(0).path("message").path("content").asString();
	}

}
