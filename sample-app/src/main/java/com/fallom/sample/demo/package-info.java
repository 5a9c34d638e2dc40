/**
 * Demo mode: drives sessions through the app and prints the split.
 */
@NullMarked
package com.fallom.sample.demo;

import org.jspecify.annotations.NullMarked;
