/**
 * Judges and candidates from a Spring AI {@code ChatModel}. Needs {@code spring-ai-model},
 * an optional dependency of fallom-evals.
 */
@NullMarked
package com.fallom.evals.springai;

import org.jspecify.annotations.NullMarked;
