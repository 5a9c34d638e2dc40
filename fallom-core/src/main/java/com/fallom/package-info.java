/**
 * The Fallom engine's entry point for applications with or without Spring: {@link com.fallom.Fallom}.
 */
@NullMarked
package com.fallom;

import org.jspecify.annotations.NullMarked;
