/**
 * The delivery spool: items a send queue could not deliver, kept on disk in checksummed
 * segment files per stream, bounded by bytes and age, replayed oldest first after the
 * backend recovers and after a restart. Plain Java, no threads of its own: every disk
 * access runs on the calling sender's thread. Internal API.
 */
@NullMarked
package com.fallom.internal.spool;

import org.jspecify.annotations.NullMarked;
