/**
 * The one background sync of the engine: scheduling, back-off, ETags, per-item validation and the snapshot file, for any synced resource.
 */
@NullMarked
package com.fallom.sync;

import org.jspecify.annotations.NullMarked;
