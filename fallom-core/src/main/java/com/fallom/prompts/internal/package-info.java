/**
 * Internals of prompt management: template parsing and rendering, the parser of the
 * backend's {@code /prompts} and {@code /prompt-ab-tests} bodies, and the registry the
 * request path reads. Not API: may change in any release. Plain Java; imports nothing of
 * Spring.
 */
@NullMarked
package com.fallom.prompts.internal;

import org.jspecify.annotations.NullMarked;
