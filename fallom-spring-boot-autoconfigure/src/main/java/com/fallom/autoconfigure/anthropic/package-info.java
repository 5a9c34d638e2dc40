/**
 * Auto-configuration of the official Anthropic Java SDK's tracing.
 */
@NullMarked
package com.fallom.autoconfigure.anthropic;

import org.jspecify.annotations.NullMarked;
