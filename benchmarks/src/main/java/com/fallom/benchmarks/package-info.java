/**
 * JMH benchmarks of the hot paths: assignment, the session filter and the chat observation handlers.
 */
@NullMarked
package com.fallom.benchmarks;

import org.jspecify.annotations.NullMarked;
