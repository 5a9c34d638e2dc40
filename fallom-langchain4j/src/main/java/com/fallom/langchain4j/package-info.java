/**
 * Fallom for LangChain4j, with or without Spring: {@link FallomChatModelListener} traces
 * every chat call of a LangChain4j model, {@link FallomToolExecutionListener} every tool
 * execution of an {@code AiServices} service, and {@link FallomChatModel} /
 * {@link FallomStreamingChatModel} A/B test the models of a Fallom config per session.
 * May import {@code fallom-core} and LangChain4j ({@code langchain4j-core}, and
 * {@code langchain4j} for {@code AiServices}), never Spring.
 */
@NullMarked
package com.fallom.langchain4j;

import org.jspecify.annotations.NullMarked;
