/**
 * Spring AI integration: observation handlers that tag chat observations with the session and export chat calls as GenAI spans.
 */
@NullMarked
package com.fallom.springai;

import org.jspecify.annotations.NullMarked;
