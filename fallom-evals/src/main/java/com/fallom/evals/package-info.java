/**
 * Evals: score LLM outputs with an LLM judge (G-Eval, the Fallom SDKs' prompt and metrics)
 * and compare models on the same dataset, concurrently, with retries, a budget and a cache.
 * Plain Java: Spring AI and LangChain4j judges are optional adapters.
 */
@NullMarked
package com.fallom.evals;

import org.jspecify.annotations.NullMarked;
