/**
 * Auto-configuration of Fallom's Micrometer metrics.
 */
@NullMarked
package com.fallom.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
