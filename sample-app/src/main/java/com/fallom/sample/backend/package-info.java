/**
 * The sample's embedded mock Fallom backend and its experiment report.
 */
@NullMarked
package com.fallom.sample.backend;

import org.jspecify.annotations.NullMarked;
