/**
 * A mock Fallom backend on loopback, with fault injection, and its JUnit 5 extension.
 */
@NullMarked
package com.fallom.test;

import org.jspecify.annotations.NullMarked;
