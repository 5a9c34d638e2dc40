/**
 * The support assistant: chat endpoint, feedback and its Fallom wiring.
 */
@NullMarked
package com.fallom.sample.support;

import org.jspecify.annotations.NullMarked;
