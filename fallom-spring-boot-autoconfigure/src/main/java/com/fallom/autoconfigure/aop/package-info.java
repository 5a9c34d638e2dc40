/**
 * Auto-configuration of {@code @FallomSession}.
 */
@NullMarked
package com.fallom.autoconfigure.aop;

import org.jspecify.annotations.NullMarked;
