/**
 * A batch job that A/B tests models outside a web request.
 */
@NullMarked
package com.fallom.sample.batch;

import org.jspecify.annotations.NullMarked;
