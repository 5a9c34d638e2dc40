/**
 * The engine's HTTP transport, bounded send queues and argument checks. Internal API.
 */
@NullMarked
package com.fallom.internal;

import org.jspecify.annotations.NullMarked;
