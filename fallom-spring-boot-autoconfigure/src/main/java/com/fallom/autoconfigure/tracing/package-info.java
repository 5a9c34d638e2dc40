/**
 * Auto-configuration of tracing: session context, span tagging and the Spring AI export.
 */
@NullMarked
package com.fallom.autoconfigure.tracing;

import org.jspecify.annotations.NullMarked;
