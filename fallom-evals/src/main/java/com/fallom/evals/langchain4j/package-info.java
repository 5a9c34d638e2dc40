/**
 * Judges and candidates from a LangChain4j {@code ChatModel}. Needs {@code langchain4j-core},
 * an optional dependency of fallom-evals.
 */
@NullMarked
package com.fallom.evals.langchain4j;

import org.jspecify.annotations.NullMarked;
