package com.fallom.test;

/**
 * Entry point of AssertJ assertions on what a {@link FallomMockServer} received, in one
 * line: <pre class="code">
 * assertThat(mock).recordedSession("s1").withModel("gpt-4o");
 * assertThat(mock).receivedChatRecord().forSession("s1").hasPromptTokens(12).hasNoContent();
 * </pre> Needs {@code org.assertj:assertj-core} on the test classpath. The assertions
 * check what has arrived so far; the app sends in the background, so wrap them in
 * Awaitility's {@code untilAsserted} where they may run first.
 */
public final class FallomAssertions {

	private FallomAssertions() {
	}

	/**
	 * Create an assertion on a mock server.
	 * @param server the mock server
	 * @return the assertion
	 */
	public static FallomMockServerAssert assertThat(FallomMockServer server) {
		return new FallomMockServerAssert(server);
	}

	/**
	 * Create an assertion on an eval upload the mock server recorded.
	 * @param upload the upload
	 * @return the assertion
	 */
	public static EvalUploadRecordAssert assertThat(EvalUploadRecord upload) {
		return new EvalUploadRecordAssert(upload);
	}

}
