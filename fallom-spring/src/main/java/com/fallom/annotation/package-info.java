/**
 * {@code @FallomSession}: the session of a method call, from its arguments.
 */
@NullMarked
package com.fallom.annotation;

import org.jspecify.annotations.NullMarked;
