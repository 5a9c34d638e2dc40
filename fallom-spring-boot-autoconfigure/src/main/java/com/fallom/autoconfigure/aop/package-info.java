/**
 * Auto-configuration of the {@code @FallomSession} aspect.
 */
@NullMarked
package com.fallom.autoconfigure.aop;

import org.jspecify.annotations.NullMarked;
