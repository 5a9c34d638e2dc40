/**
 * Prompt management: prompts and prompt A/B tests defined in Fallom, rendered locally with
 * no I/O on the request path, with fallbacks, and with the span attributes that name the
 * prompt used. Entry point: {@link com.fallom.prompts.FallomPrompts}. Plain Java; imports
 * nothing of Spring.
 */
@NullMarked
package com.fallom.prompts;

import org.jspecify.annotations.NullMarked;
