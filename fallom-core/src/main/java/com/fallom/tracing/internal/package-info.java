/**
 * The bounded span processor behind the export. Internal API.
 */
@NullMarked
package com.fallom.tracing.internal;

import org.jspecify.annotations.NullMarked;
