/**
 * Micrometer binders of assignments, config syncs and send queues; used only when Micrometer is present.
 */
@NullMarked
package com.fallom.metrics;

import org.jspecify.annotations.NullMarked;
