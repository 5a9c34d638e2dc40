/**
 * Traces the official OpenAI Java SDK ({@code com.openai:openai-java}) to Fallom: wrap a
 * client with {@link com.fallom.openai.FallomOpenAI} and its Chat Completions and
 * Responses API calls become trace records. Plain Java: imports fallom-core and the
 * SDK's core, never Spring (the Boot wiring lives in fallom-spring-boot-autoconfigure).
 */
@NullMarked
package com.fallom.openai;

import org.jspecify.annotations.NullMarked;
