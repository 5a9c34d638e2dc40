/**
 * A mock LLM provider on loopback for tests of real provider clients: OpenAI Chat
 * Completions and Anthropic Messages, JSON and server-sent event streams, scripted
 * replies (text, tool calls, errors, delays) and recorded requests. It depends on the
 * JDK's HTTP server and Jackson only; the JUnit extension needs JUnit Jupiter.
 */
@NullMarked
package com.fallom.test.provider;

import org.jspecify.annotations.NullMarked;
