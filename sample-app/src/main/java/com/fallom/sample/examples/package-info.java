/**
 * The examples README.md and the guide (docs/) quote, compiled and tested.
 */
@NullMarked
package com.fallom.sample.examples;

import org.jspecify.annotations.NullMarked;
