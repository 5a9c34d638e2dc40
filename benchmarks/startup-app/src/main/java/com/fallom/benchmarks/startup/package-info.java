/**
 * The minimal app of the start-up benchmark.
 */
@NullMarked
package com.fallom.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
