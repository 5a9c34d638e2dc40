/**
 * Session context on spans, custom metrics and the OTLP export of LLM spans to Fallom.
 */
@NullMarked
package com.fallom.tracing;

import org.jspecify.annotations.NullMarked;
