/**
 * Fallom for the official Anthropic Java SDK ({@code com.anthropic:anthropic-java}), with or
 * without Spring: {@link FallomAnthropic} wraps the {@code AnthropicClient} or
 * {@code AnthropicClientAsync} you build as usual so that every {@code messages().create}
 * and {@code createStreaming} call, sync or async, becomes the trace record Fallom's Python
 * SDK sends for {@code messages.create}, and can take the model of the session's A/B
 * variant. May import {@code fallom-core} and {@code anthropic-java-core}, never Spring.
 */
@NullMarked
package com.fallom.anthropic;

import org.jspecify.annotations.NullMarked;
