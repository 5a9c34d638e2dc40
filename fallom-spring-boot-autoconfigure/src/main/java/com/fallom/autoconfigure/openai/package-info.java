/**
 * Auto-configuration of OpenAI Java SDK tracing.
 */
@NullMarked
package com.fallom.autoconfigure.openai;

import org.jspecify.annotations.NullMarked;
