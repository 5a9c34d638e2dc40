/**
 * Spring AI integration: {@code FallomAdvisor}, a ChatClient advisor that A/B tests each call; observation handlers that
 * tag observations with the session and export chat calls, tool calls, embedding calls, vector store queries and
 * ChatClient calls and their advisors as spans of Fallom's private pipeline.
 */
@NullMarked
package com.fallom.springai;

import org.jspecify.annotations.NullMarked;
