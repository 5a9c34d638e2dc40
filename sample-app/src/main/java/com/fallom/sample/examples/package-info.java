/**
 * The README's examples, compiled and tested.
 */
@NullMarked
package com.fallom.sample.examples;

import org.jspecify.annotations.NullMarked;
