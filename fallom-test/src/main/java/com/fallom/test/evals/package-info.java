/**
 * Test support for evals: a mock LLM judge with deterministic scores, settable per metric.
 */
@NullMarked
package com.fallom.test.evals;

import org.jspecify.annotations.NullMarked;
