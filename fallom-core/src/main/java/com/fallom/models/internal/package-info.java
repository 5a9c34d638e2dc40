/**
 * Config parsing, session hashing and pinned-version loading. Internal API.
 */
@NullMarked
package com.fallom.models.internal;

import org.jspecify.annotations.NullMarked;
